<?php
// This file is part of the certbridge companion plugin for Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Simplified Chinese strings for local_certbridge.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['pluginname'] = 'certbridge 资源同步';
$string['allcovered'] = '该等级的每项职业技能要求都已在某门课程中有上线资源。';
$string['area'] = '工作领域';
$string['cachedef_coursefigures'] = '类别报告使用的课程上线情况数据';
$string['categoryreport'] = '资源上线情况（certbridge）';
$string['certbridge:sync'] = '发布和更新由 certbridge 管理的活动';
$string['certbridge:viewcategoryreport'] = '查看类别中所有课程的资源上线情况';
$string['certbridge:viewreport'] = '查看课程的资源上线情况报告';
$string['certbridge_coursebusy'] = '课程 {$a} 中另一个 certbridge 写操作仍在进行，请稍后重试。';
$string['certbridge_exportfailed'] = '无法导出测验的题目。';
$string['certbridge_importfailed'] = '题目导入失败：{$a}';
$string['certbridge_noplan'] = '课程 {$a} 尚无 certbridge 计划：请先对它运行 certbridge sync。';
$string['certbridge_notindraft'] = '草稿区 {$a->draftitemid} 中没有文件 {$a->filename}。';
$string['certbridge_quizhasattempts'] = '测验 {$a} 已有学生作答，不能替换其题目。';
$string['certbridge_wrongmodname'] = '模块 {$a->idnumber} 已存在，类型为 {$a->existing} 而非 {$a->requested}，请先删除。';
$string['certificatecourses'] = '{$a} 门课程';
$string['certificateof'] = '{$a->name}（{$a->level}），标准 {$a->standard}';
$string['certificateview'] = '证书：跨课程的职业技能要求覆盖（课证融合）';
$string['certificateview_help'] = '按证书等级汇总：此处各课程中至少有一门已上线资源覆盖的职业技能要求。';
$string['col_certificate'] = '证书';
$string['col_counts'] = '未上线';
$string['col_course'] = '课程';
$string['col_figure'] = '已上线 / 计划';
$string['col_name'] = '资源';
$string['col_ratio'] = '上线率';
$string['col_reason'] = '原因';
$string['col_section'] = '章节';
$string['col_skills'] = '职业技能要求';
$string['col_state'] = '状态';
$string['col_status'] = '是否达标';
$string['col_target'] = '目标';
$string['col_type'] = '类型';
$string['col_uncovered'] = '无上线资源的要求';
$string['coursereport'] = '资源上线情况（certbridge）';
$string['courses'] = '课程';
$string['coverage'] = '职业技能要求覆盖';
$string['coveredcount'] = '{$a->total} 项职业技能要求中 {$a->covered} 项已有上线资源';
$string['dl_certificate'] = '证书';
$string['dl_certificatename'] = '证书';
$string['dl_cmid'] = '活动ID';
$string['dl_courses'] = '课程数';
$string['dl_covered'] = '已覆盖';
$string['dl_fullname'] = '课程全称';
$string['dl_level'] = '等级';
$string['dl_n_hidden'] = '已隐藏';
$string['dl_n_missing'] = '缺失';
$string['dl_n_online'] = '已上线';
$string['dl_n_outdated'] = '内容过期';
$string['dl_n_planned'] = '计划中';
$string['dl_name'] = '资源名称';
$string['dl_online'] = '已上线数';
$string['dl_pack'] = '资源包';
$string['dl_percent'] = '上线率';
$string['dl_planned'] = '计划资源数';
$string['dl_ratio'] = '上线比例';
$string['dl_reason'] = '原因';
$string['dl_requirements'] = '技能要求数';
$string['dl_resource'] = '资源ID';
$string['dl_section'] = '章节';
$string['dl_shortname'] = '课程简称';
$string['dl_skills'] = '职业技能要求';
$string['dl_standard'] = '标准';
$string['dl_state'] = '状态';
$string['dl_status'] = '是否达标';
$string['dl_target'] = '目标';
$string['dl_type'] = '类型';
$string['dl_uncovered'] = '未覆盖要求';
$string['dl_uncoveredcode'] = '未覆盖要求编号';
$string['dl_uncoveredtext'] = '未覆盖要求内容';
$string['downloadcertificates'] = '下载证书覆盖情况';
$string['downloadcourses'] = '下载课程列表';
$string['figure'] = '计划 {$a->planned} 个资源中已上线 {$a->online} 个';
$string['nocourses'] = '这里没有您可查看的、带 certbridge 计划的课程。';
$string['noplan'] = '本课程尚无 certbridge 计划：下次运行 certbridge 同步时会保存。';
$string['noresource'] = '未规划资源';
$string['nostandard'] = '未关联证书标准，无覆盖矩阵。';
$string['packline'] = '资源包';
$string['planstored'] = '计划保存于';
$string['privacy:metadata'] = 'certbridge 插件不保存任何个人数据。它的数据表只记录每个测验最近一次导入所创建的题目及导入文件的指纹，以及每门课程的资源包计划（资源、证书技能要求、目标）。';
$string['reason_content_differs'] = '内容与资源包不同';
$string['reason_content_unknown'] = '无法核对内容（如测验题目被修改）';
$string['reason_course_missing'] = '课程不存在';
$string['reason_hidden'] = '已隐藏';
$string['reason_hidden_in_pack'] = '资源包设为隐藏';
$string['reason_not_in_course'] = '课程中没有（未同步或已删除）';
$string['reason_section_hidden'] = '所在章节已隐藏';
$string['reason_status_planned'] = '计划中，尚未制作';
$string['reason_stealth'] = '可访问但未在课程页显示';
$string['reason_type_differs'] = '活动类型与资源包不同';
$string['requirement'] = '职业技能要求';
$string['resources'] = '资源';
$string['sitereport'] = '全部课程资源上线情况（certbridge）';
$string['state_hidden'] = '已隐藏';
$string['state_missing'] = '缺失';
$string['state_online'] = '已上线';
$string['state_outdated'] = '内容过期';
$string['state_planned'] = '计划中';
$string['status_below'] = '未达标';
$string['status_meets'] = '达标';
$string['targetis'] = '目标 {$a}';
$string['task'] = '工作任务';
$string['taskwarmcache'] = '预先计算 certbridge 类别报告';
$string['totals'] = '共 {$a->courses} 门课程：{$a->meets} 门达标，{$a->below} 门未达标';
$string['type_file'] = '文件';
$string['type_label'] = '标签';
$string['type_page'] = '网页';
$string['type_quiz'] = '测验';
$string['type_url'] = '链接';
$string['uncovered'] = '无上线资源';
$string['uncoveredrequirement'] = '尚无上线资源的要求';
$string['warning_duplicateidnumber'] = '多个模块使用同一 idnumber {$a}，已使用最早创建的那个。';
