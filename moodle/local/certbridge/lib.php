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
 * Navigation: the course report in the course's More menu, the category report in the
 * category's settings, for users with the capability.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Link the course's completion report, when the course has a certbridge plan.
 *
 * @param navigation_node $navigation the course node
 * @param stdClass $course
 * @param context_course $context
 */
function local_certbridge_extend_navigation_course(navigation_node $navigation, stdClass $course, context_course $context) {
    if (
        !has_any_capability(['local/certbridge:viewreport', 'local/certbridge:viewcategoryreport'], $context)
            || !\local_certbridge\report\plan_store::exists((int) $course->id)
    ) {
        return;
    }
    $navigation->add(
        get_string('coursereport', 'local_certbridge'),
        new moodle_url('/local/certbridge/course.php', ['id' => $course->id]),
        navigation_node::TYPE_SETTING,
        null,
        'local_certbridge_coursereport',
        new pix_icon('i/report', '')
    );
}

/**
 * Link the category report (every course with a plan under the category).
 *
 * @param navigation_node $navigation the category settings node
 * @param context_coursecat $context
 */
function local_certbridge_extend_navigation_category_settings(navigation_node $navigation, context_coursecat $context) {
    if (!has_capability('local/certbridge:viewcategoryreport', $context)) {
        return;
    }
    $navigation->add(
        get_string('categoryreport', 'local_certbridge'),
        new moodle_url('/local/certbridge/category.php', ['id' => $context->instanceid]),
        navigation_node::TYPE_SETTING,
        null,
        'local_certbridge_categoryreport',
        new pix_icon('i/report', '')
    );
}
