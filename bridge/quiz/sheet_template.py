"""The empty question-bank workbook ``certbridge quiz template`` writes: the 题库 sheet
(header, a drop-down for 题型) and a 说明 sheet with the columns and one example per type."""
from __future__ import annotations

import io

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H",
          "答案", "解析", "分值", "技能要求", "名称"]
EXAMPLES = [
    ["单选题", "在 HTML 中，表示最高级标题的标签是？", "<h6>", "<h1>", "<head>", "<title>", "", "", "", "",
     "B", "<h1> 是最高级的标题，<h6> 最低。", 1, "1.1.1", ""],
    ["多选题", "以下属于块级元素的有？", "div", "span", "p", "a", "", "", "", "",
     "AC", "div 和 p 默认独占一行。", 2, "1.1.1, 1.1.2", ""],
    ["判断题", "CSS 的全称是层叠样式表（Cascading Style Sheets）。", "", "", "", "", "", "", "", "",
     "对", "", 1, "1.2.1", ""],
    ["填空题", "HTTP 服务默认使用的端口号是____。", "", "", "", "", "", "", "", "",
     "80|80端口", "", 1, "1.1.2", "HTTP 默认端口"],
    ["简答题", "简述 CSS 盒模型的组成。", "", "", "", "", "", "", "", "",
     "由内容、内边距、边框和外边距组成。", "", 5, "1.2.1", ""],
]
COLUMN_NOTES = [
    ("题型", "必填", "单选题、多选题、判断题、填空题、简答题（也可写 单选、多选、判断、填空、问答题）"),
    ("题干", "必填", "题目文字（纯文本，按原样显示）"),
    ("选项A…选项H", "选择题必填", "至少 2 个，从选项A起连续填写；判断题、填空题、简答题不填"),
    ("答案", "必填（简答题可空）",
     "单选：一个字母，如 B；多选：如 ACD、A,C,D 或 A、C、D；判断：对/错（正确/错误、√/×、T/F）；"
     "填空：可接受的答案，多个用 | 分隔；简答：参考答案（供阅卷教师查看）"),
    ("解析", "选填", "答题后显示给学生的解析"),
    ("分值", "选填", "默认 1 分"),
    ("技能要求", "选填", "职业技能要求编码，如 1.1.1，多个用逗号分隔；成为 Moodle 题目标签，并按资源包的证书标准检查"),
    ("名称", "选填", "题目名称；不填时取题干前 80 个字"),
]
RULES = [
    "只读取第一个工作表（“题库”）：第一行是表头，之后每行一道题，空行忽略。",
    "多选题：每个正确选项得 满分/正确选项数，选错任何一项该题不得分（少选得部分分）。",
    "检查：certbridge quiz check 题库.xlsx；每个错误都会指出“第 N 行（列名）”。",
    "资源包中使用：type = \"quiz\"，source = \"quizzes/题库.xlsx\"。",
]


def template_workbook() -> bytes:
    """The template as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    bank = book.active
    bank.title = "题库"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    bank.append(HEADER)
    for cell in bank[1]:
        cell.font, cell.fill = bold, fill
    widths = {"A": 10, "B": 48, "K": 14, "L": 30, "M": 8, "N": 14, "O": 18}
    for column in "ABCDEFGHIJKLMNO":
        bank.column_dimensions[column].width = widths.get(column, 14)
    bank.freeze_panes = "A2"
    types = DataValidation(type="list", formula1='"单选题,多选题,判断题,填空题,简答题"', allow_blank=True)
    types.error, types.errorTitle = "请选择 单选题、多选题、判断题、填空题 或 简答题", "题型"
    bank.add_data_validation(types)
    types.add("A2:A5000")

    notes = book.create_sheet("说明")
    notes.append(["列", "是否必填", "说明"])
    for row in COLUMN_NOTES:
        notes.append(list(row))
    notes.append([])
    for rule in RULES:
        notes.append([rule])
    notes.append([])
    notes.append(["示例（每种题型一道，可复制到“题库”工作表）"])
    example_header = notes.max_row + 1
    notes.append(HEADER)
    for row in EXAMPLES:
        notes.append(row)
    for row in (1, example_header):
        for cell in notes[row]:
            cell.font, cell.fill = bold, fill
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 40
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2, max_row=len(COLUMN_NOTES) + 1):
        row[2].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
