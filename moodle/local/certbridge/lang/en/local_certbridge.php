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
 * English strings for local_certbridge.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['pluginname'] = 'certbridge resource sync';
$string['allcovered'] = 'Every requirement of this level has a resource online in some course.';
$string['area'] = 'Work area';
$string['cachedef_coursefigures'] = 'Course completion figures for the category report';
$string['categoryreport'] = 'Resource completion (certbridge)';
$string['certbridge:sync'] = 'Publish and update certbridge-managed activities';
$string['certbridge:viewcategoryreport'] = 'See the resource completion of every course in a category';
$string['certbridge:viewreport'] = 'See the resource completion report of a course';
$string['certbridge_coursebusy'] = 'Another certbridge write to course {$a} is still running; try again later.';
$string['certbridge_exportfailed'] = 'The quiz\'s questions could not be exported.';
$string['certbridge_importfailed'] = 'The question import failed: {$a}';
$string['certbridge_noplan'] = 'Course {$a} has no certbridge plan yet: run certbridge sync for it.';
$string['certbridge_notindraft'] = 'The file {$a->filename} is not in draft area {$a->draftitemid}.';
$string['certbridge_quizhasattempts'] = 'The quiz {$a} already has student attempts, so its questions cannot be replaced.';
$string['certbridge_wrongmodname'] = 'The module {$a->idnumber} exists as a {$a->existing}, not a {$a->requested}. Delete it first.';
$string['certificatecourses'] = '{$a} course(s)';
$string['certificateof'] = '{$a->name} ({$a->level}), standard {$a->standard}';
$string['certificateview'] = 'Certificates: skill coverage across courses';
$string['certificateview_help'] = 'For each certificate level, the requirements that have a resource online in at least one of its courses here.';
$string['col_certificate'] = 'Certificate';
$string['col_counts'] = 'Not online';
$string['col_course'] = 'Course';
$string['col_figure'] = 'Online / planned';
$string['col_name'] = 'Resource';
$string['col_ratio'] = 'Online';
$string['col_reason'] = 'Reason';
$string['col_section'] = 'Section';
$string['col_skills'] = 'Skill requirements';
$string['col_state'] = 'State';
$string['col_status'] = 'Status';
$string['col_target'] = 'Target';
$string['col_type'] = 'Type';
$string['col_uncovered'] = 'Requirements with nothing online';
$string['coursereport'] = 'Resource completion (certbridge)';
$string['courses'] = 'Courses';
$string['coverage'] = 'Skill coverage';
$string['coveredcount'] = '{$a->covered} of {$a->total} requirements have a resource online';
$string['dl_certificate'] = 'certificate';
$string['dl_certificatename'] = 'certificate';
$string['dl_cmid'] = 'cmid';
$string['dl_courses'] = 'courses';
$string['dl_covered'] = 'covered';
$string['dl_fullname'] = 'fullname';
$string['dl_level'] = 'level';
$string['dl_n_hidden'] = 'n_hidden';
$string['dl_n_missing'] = 'n_missing';
$string['dl_n_online'] = 'n_online';
$string['dl_n_outdated'] = 'n_outdated';
$string['dl_n_planned'] = 'n_planned';
$string['dl_name'] = 'name';
$string['dl_online'] = 'online';
$string['dl_pack'] = 'pack_id';
$string['dl_percent'] = 'percent';
$string['dl_planned'] = 'planned';
$string['dl_ratio'] = 'ratio';
$string['dl_reason'] = 'reason';
$string['dl_requirements'] = 'requirements';
$string['dl_resource'] = 'resource_id';
$string['dl_section'] = 'section';
$string['dl_shortname'] = 'shortname';
$string['dl_skills'] = 'skills';
$string['dl_standard'] = 'standard';
$string['dl_state'] = 'state';
$string['dl_status'] = 'status';
$string['dl_target'] = 'target';
$string['dl_type'] = 'type';
$string['dl_uncovered'] = 'uncovered_codes';
$string['dl_uncoveredcode'] = 'uncovered_code';
$string['dl_uncoveredtext'] = 'uncovered_text';
$string['downloadcertificates'] = 'Download the certificate view';
$string['downloadcourses'] = 'Download the courses';
$string['figure'] = '{$a->online} of {$a->planned} resources online';
$string['nocourses'] = 'No course with a certbridge plan here that you may see.';
$string['noplan'] = 'This course has no certbridge plan yet: the next certbridge sync stores it.';
$string['noresource'] = 'no resource planned';
$string['nostandard'] = 'No certificate standard: no coverage matrix.';
$string['packline'] = 'Resource pack';
$string['planstored'] = 'plan stored';
$string['privacy:metadata'] = 'The certbridge plugin stores no personal data. Its tables record, per quiz, which questions the last import created and the fingerprint of the imported file, and per course the plan of its resource pack (resources, certificate requirements, target).';
$string['reason_content_differs'] = 'content differs from the pack';
$string['reason_content_unknown'] = 'content cannot be checked (e.g. quiz questions edited)';
$string['reason_course_missing'] = 'the course does not exist';
$string['reason_hidden'] = 'hidden';
$string['reason_hidden_in_pack'] = 'hidden by the pack';
$string['reason_not_in_course'] = 'not in the course (never synced or deleted)';
$string['reason_section_hidden'] = 'its section is hidden';
$string['reason_status_planned'] = 'planned, not produced yet';
$string['reason_stealth'] = 'available but not shown on the course page';
$string['reason_type_differs'] = 'another activity type than the pack\'s';
$string['requirement'] = 'Skill requirement';
$string['resources'] = 'Resources';
$string['sitereport'] = 'Resource completion of all courses (certbridge)';
$string['state_hidden'] = 'hidden';
$string['state_missing'] = 'missing';
$string['state_online'] = 'online';
$string['state_outdated'] = 'outdated';
$string['state_planned'] = 'planned';
$string['status_below'] = 'below target';
$string['status_meets'] = 'meets target';
$string['targetis'] = 'target {$a}';
$string['task'] = 'Work task';
$string['taskwarmcache'] = 'Prepare the certbridge category report';
$string['totals'] = 'Courses: {$a->courses}; at or above target: {$a->meets}; below: {$a->below}';
$string['type_file'] = 'file';
$string['type_label'] = 'label';
$string['type_page'] = 'page';
$string['type_quiz'] = 'quiz';
$string['type_url'] = 'link';
$string['uncovered'] = 'nothing online';
$string['uncoveredrequirement'] = 'Requirement with nothing online';
$string['warning_duplicateidnumber'] = 'Several modules share the idnumber {$a}; the oldest one was used.';
