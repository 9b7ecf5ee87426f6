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

namespace local_certbridge\external;

use core_courseformat\formatactions;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use invalid_parameter_exception;
use local_certbridge\course_lock;

/**
 * local_certbridge_ensure_sections: make a course's sections exist and carry the given
 * names; never deletes, reorders or touches modules.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class ensure_sections extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'sections' => new external_multiple_structure(new external_single_structure([
                'number' => new external_value(PARAM_INT, 'section number, 0 = general section'),
                'name' => new external_value(PARAM_TEXT, 'section name'),
            ]), 'wanted sections'),
        ]);
    }

    /**
     * Create missing sections up to the highest number and rename the others.
     *
     * @param int $courseid
     * @param array $sections
     * @return array
     */
    public static function execute(int $courseid, array $sections): array {
        global $DB;
        $params = self::validate_parameters(
            self::execute_parameters(),
            ['courseid' => $courseid, 'sections' => $sections]
        );
        $course = $DB->get_record('course', ['id' => $params['courseid']], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        // Adding and renaming sections is a course setting in core (course/changenumsections.php,
        // course/editsection.php): it needs moodle/course:update, not manageactivities.
        require_capability('moodle/course:update', $context);
        require_capability('local/certbridge:sync', $context);

        $wanted = [];
        foreach ($params['sections'] as $section) {
            if ($section['number'] < 0 || array_key_exists($section['number'], $wanted)) {
                throw new invalid_parameter_exception('section numbers must be distinct and not negative');
            }
            $wanted[$section['number']] = $section['name'];
        }
        [$created, $renamed] = course_lock::run($course->id, function () use ($course, $wanted): array {
            $before = count(get_fast_modinfo($course)->get_listed_section_info_all());
            if ($wanted) {
                formatactions::section($course)->create_if_missing(range(0, max(array_keys($wanted))));
            }
            $created = count(get_fast_modinfo($course)->get_listed_section_info_all()) - $before;

            $renamed = 0;
            foreach ($wanted as $number => $name) {
                $sectioninfo = get_fast_modinfo($course)->get_section_info($number);
                if ((string) $sectioninfo->name !== $name) {
                    formatactions::section($course)->update($sectioninfo, ['name' => $name]);
                    $renamed++;
                }
            }
            return [$created, $renamed];
        });

        $result = [];
        foreach (get_fast_modinfo($course)->get_listed_section_info_all() as $sectioninfo) {
            $result[] = [
                'number' => (int) $sectioninfo->section,
                'id' => (int) $sectioninfo->id,
                'name' => (string) $sectioninfo->name,
                'visible' => (int) $sectioninfo->visible,
            ];
        }
        return ['sections' => $result, 'created' => $created, 'renamed' => $renamed];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'sections' => new external_multiple_structure(new external_single_structure([
                'number' => new external_value(PARAM_INT, 'section number'),
                'id' => new external_value(PARAM_INT, 'course_sections id'),
                'name' => new external_value(PARAM_RAW, 'section name, "" = the format default'),
                'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
            ]), 'all sections of the course after the change'),
            'created' => new external_value(PARAM_INT, 'sections created'),
            'renamed' => new external_value(PARAM_INT, 'sections renamed'),
        ]);
    }
}
