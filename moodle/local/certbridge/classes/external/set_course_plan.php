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

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_certbridge\module_lookup;
use local_certbridge\report\plan_store;

/**
 * local_certbridge_set_course_plan: store what the in-Moodle report needs about a course
 * (its pack, certificate, resources and the standard's requirements), replacing the
 * previous plan. The client sends it only when get_modules' plan_fingerprint differs.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class set_course_plan extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        $text = fn(string $desc) => new external_value(PARAM_RAW, $desc, VALUE_DEFAULT, '');
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'plan' => new external_single_structure([
                'fingerprint' => new external_value(PARAM_ALPHANUM, 'sha1 of the plan, returned by get_modules'),
                'pack_id' => new external_value(PARAM_RAW, 'pack id'),
                'pack_version' => $text('pack version'),
                'pack_title' => $text('pack title'),
                'prefix' => new external_value(PARAM_RAW, 'idnumber prefix of the pack\'s modules, not empty'),
                'target' => new external_value(PARAM_FLOAT, 'share online to reach, 0-1'),
                'certificate' => new external_single_structure([
                    'name' => $text('certificate name'),
                    'issuer' => $text('issuing body'),
                    'level' => $text('certificate level'),
                    'standard' => $text('standard id'),
                    'standard_version' => $text('standard version'),
                ], 'the certificate, empty fields when the pack has none', VALUE_DEFAULT, []),
                'resources' => new external_multiple_structure(new external_single_structure([
                    'resource_id' => new external_value(PARAM_RAW, 'idnumber = prefix + this'),
                    'name' => new external_value(PARAM_RAW, 'title'),
                    'type' => new external_value(PARAM_ALPHA, 'pack type: file, page, url, quiz, label'),
                    'modname' => new external_value(PARAM_PLUGIN, 'module type'),
                    'section' => new external_value(PARAM_INT, 'section number'),
                    'status' => new external_value(PARAM_ALPHA, 'ready or planned'),
                    'visible' => new external_value(PARAM_INT, '0 when the pack itself hides it', VALUE_DEFAULT, 1),
                    'skills' => $text('requirement codes it serves, space separated'),
                    'fingerprint' => new external_value(
                        PARAM_ALPHANUM,
                        'sha1 of its content, "" when planned',
                        VALUE_DEFAULT,
                        ''
                    ),
                ]), 'every resource of the pack, in pack order', VALUE_DEFAULT, []),
                'requirements' => new external_multiple_structure(new external_single_structure([
                    'code' => new external_value(PARAM_RAW, 'requirement code, e.g. 1.1.1'),
                    'text' => $text('requirement text'),
                    'area_code' => $text('work area code'),
                    'area' => $text('work area name'),
                    'task_code' => $text('work task code'),
                    'task' => $text('work task name'),
                ]), 'the standard\'s requirements at the certificate level', VALUE_DEFAULT, []),
            ]),
        ]);
    }

    /**
     * Replace the course's plan.
     *
     * @param int $courseid
     * @param array $plan
     * @return array
     */
    public static function execute(int $courseid, array $plan): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid, 'plan' => $plan]);
        $course = $DB->get_record('course', ['id' => $params['courseid']], 'id', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        require_capability('local/certbridge:sync', $context);
        $plan = $params['plan'];
        module_lookup::require_prefix($plan['prefix']);
        plan_store::save((int) $course->id, $plan);
        return [
            'courseid' => (int) $course->id,
            'fingerprint' => $plan['fingerprint'],
            'resources' => count($plan['resources']),
            'requirements' => count($plan['requirements']),
        ];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'fingerprint' => new external_value(PARAM_ALPHANUM, 'the stored plan\'s fingerprint'),
            'resources' => new external_value(PARAM_INT, 'resources stored'),
            'requirements' => new external_value(PARAM_INT, 'requirements stored'),
        ]);
    }
}
