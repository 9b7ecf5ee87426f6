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
use local_certbridge\report\calculator;

/**
 * local_certbridge_get_report: a course's completion computed live from Moodle's state and
 * its stored plan, with the definitions of certbridge's docs/report.md.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_report extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
        ]);
    }

    /**
     * The course's live report.
     *
     * @param int $courseid
     * @return array
     */
    public static function execute(int $courseid): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid]);
        $course = $DB->get_record('course', ['id' => $params['courseid']], 'id', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/certbridge:viewreport', $context);
        $report = calculator::course((int) $course->id);
        if ($report === null) {
            throw new \moodle_exception('certbridge_noplan', 'local_certbridge', '', $course->id);
        }
        unset($report['online_skills']);
        return $report;
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        $text = fn(string $desc) => new external_value(PARAM_RAW, $desc);
        $counts = [];
        foreach (calculator::STATES as $state) {
            $counts[$state] = new external_value(PARAM_INT, "resources $state");
        }
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'pack_id' => $text('pack id'),
            'pack_title' => $text('pack title'),
            'pack_version' => $text('pack version'),
            'plan_fingerprint' => new external_value(PARAM_ALPHANUM, 'fingerprint of the stored plan'),
            'plan_time' => new external_value(PARAM_INT, 'when the plan was stored'),
            'certificate' => new external_single_structure([
                'name' => $text('certificate name'),
                'issuer' => $text('issuing body'),
                'level' => $text('level'),
                'standard' => $text('standard id'),
                'standard_version' => $text('standard version'),
            ]),
            'planned' => new external_value(PARAM_INT, 'planned resources (all states)'),
            'online' => new external_value(PARAM_INT, 'resources online'),
            'ratio' => new external_value(PARAM_FLOAT, 'online / planned, 0-1'),
            'target' => new external_value(PARAM_FLOAT, 'target, 0-1'),
            'meets_target' => new external_value(PARAM_BOOL, 'ratio >= target'),
            'status' => new external_value(PARAM_ALPHA, 'meets or below'),
            'counts' => new external_single_structure($counts),
            'resources' => new external_multiple_structure(new external_single_structure([
                'resource_id' => $text('resource id'),
                'idnumber' => $text('module idnumber'),
                'name' => $text('title'),
                'type' => new external_value(PARAM_ALPHA, 'pack type'),
                'section' => new external_value(PARAM_INT, 'section number'),
                'skills' => new external_multiple_structure(new external_value(PARAM_RAW, 'requirement code')),
                'state' => new external_value(PARAM_ALPHA, 'online, outdated, hidden, missing or planned'),
                'reason' => new external_value(PARAM_ALPHAEXT, 'reason code, "" when online'),
                'cmid' => new external_value(PARAM_INT, 'course module id, 0 when there is none'),
            ])),
            'requirements' => new external_value(PARAM_INT, 'requirements at the certificate level'),
            'covered' => new external_value(PARAM_INT, 'requirements with a resource online'),
            'uncovered' => new external_multiple_structure(new external_single_structure([
                'code' => $text('requirement code'),
                'text' => $text('requirement text'),
                'area_code' => $text('work area code'),
                'area' => $text('work area'),
                'task_code' => $text('work task code'),
                'task' => $text('work task'),
            ])),
        ]);
    }
}
