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
 * A course's resource completion and skill coverage, live from Moodle.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../config.php');

use local_certbridge\output\course_page;
use local_certbridge\report\calculator;
use local_certbridge\report\download;
use local_certbridge\report\plan_store;

$id = required_param('id', PARAM_INT);
$dataformat = optional_param('download', '', PARAM_ALPHA);

$course = get_course($id);
require_login($course);
$context = context_course::instance($course->id);
if (!has_capability('local/certbridge:viewcategoryreport', $context)) {
    require_capability('local/certbridge:viewreport', $context);
}

$url = new moodle_url('/local/certbridge/course.php', ['id' => $course->id]);
$PAGE->set_url($url);
$PAGE->set_context($context);
$PAGE->set_pagelayout('report');
$PAGE->set_title(get_string('coursereport', 'local_certbridge') . ': ' . format_string($course->shortname));
$PAGE->set_heading(format_string($course->fullname, true, ['context' => $context]));

$plan = plan_store::get((int) $course->id);
$report = $plan ? calculator::reports([(int) $course->id => $plan], true)[(int) $course->id] : null;

if ($report && $dataformat !== '') {
    download::course($dataformat, $course, $report);
    exit;
}

echo $OUTPUT->header();
echo $OUTPUT->heading(get_string('coursereport', 'local_certbridge'));
if (!$report) {
    echo $OUTPUT->notification(get_string('noplan', 'local_certbridge'), \core\output\notification::NOTIFY_INFO);
} else {
    echo $PAGE->get_renderer('local_certbridge')->render(new course_page($course, $plan, $report, $url));
}
echo $OUTPUT->footer();
