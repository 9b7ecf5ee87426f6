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
$string['privacy:metadata'] = 'certbridge 插件不保存任何个人数据。它的数据表只记录每个测验最近一次导入所创建的题目及导入文件的指纹，以及每门课程的资源包计划（资源、证书技能要求、目标）。';
$string['warning_duplicateidnumber'] = '多个模块使用同一 idnumber {$a}，已使用最早创建的那个。';
