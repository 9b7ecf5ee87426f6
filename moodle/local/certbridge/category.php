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
 * Every course with a certbridge plan under a category (subcategories included), or the
 * whole site: for coordinators.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/adminlib.php');

use local_certbridge\output\category_page;
use local_certbridge\report\category_report;
use local_certbridge\report\download;

$id = optional_param('id', 0, PARAM_INT);
$dataformat = optional_param('download', '', PARAM_ALPHA);
$what = optional_param('what', 'courses', PARAM_ALPHA);

$url = new moodle_url('/local/certbridge/category.php', $id ? ['id' => $id] : []);
if ($id) {
    require_login();
    $category = core_course_category::get($id);
    $context = context_coursecat::instance($category->id);
    require_capability('local/certbridge:viewcategoryreport', $context);
    $PAGE->set_url($url);
    $PAGE->set_category_by_id($category->id);
    $PAGE->set_pagelayout('report');
    $scope = $category->get_formatted_name();
    $PAGE->set_title(get_string('categoryreport', 'local_certbridge') . ': ' . $scope);
    $PAGE->set_heading($scope);
} else {
    admin_externalpage_setup('local_certbridge_sitereport', '', null, $url, ['pagelayout' => 'report']);
    $scope = format_string($SITE->fullname, true, ['context' => context_system::instance()]);
}

$report = category_report::build($id);

if ($dataformat !== '') {
    $name = $id ? $category->name : 'site';
    if ($what === 'certificates') {
        download::certificates($dataformat, $name, $report);
    } else {
        download::courses($dataformat, $name, $report);
    }
    exit;
}

echo $OUTPUT->header();
echo $OUTPUT->heading($id ? get_string('categoryreport', 'local_certbridge') : get_string('sitereport', 'local_certbridge'));
echo $PAGE->get_renderer('local_certbridge')->render(new category_page($report, $scope, $url));
echo $OUTPUT->footer();
