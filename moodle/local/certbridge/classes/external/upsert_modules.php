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
use core_external\external_warnings;
use invalid_parameter_exception;
use local_certbridge\course_lock;
use local_certbridge\module_writer;

/**
 * local_certbridge_upsert_modules: upsert_module for many modules of one course in one
 * call (web-service API 2). The items are written in order under one hold of the
 * course's lock, each in its own transaction; an item that fails is rolled back and
 * reported in its result, and the others are still written.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class upsert_modules extends external_api {
    /** @var int most modules in one call: bounds the time one request holds the course's lock */
    public const MAX_MODULES = 50;

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'modules' => new external_multiple_structure(
                new external_single_structure(module_writer::fields()),
                'modules to create or update, in order (at most ' . self::MAX_MODULES . ')'
            ),
        ]);
    }

    /**
     * Upsert each module in order; one result per module, in the same order.
     *
     * @param int $courseid
     * @param array $modules
     * @return array
     */
    public static function execute(int $courseid, array $modules): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid, 'modules' => $modules]);
        if (count($params['modules']) > self::MAX_MODULES) {
            throw new invalid_parameter_exception('at most ' . self::MAX_MODULES . ' modules per call');
        }
        $course = $DB->get_record('course', ['id' => $params['courseid']], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        require_capability('local/certbridge:sync', $context);

        $results = course_lock::run($course->id, function () use ($course, $context, $params): array {
            $results = [];
            foreach ($params['modules'] as $module) {
                $results[] = self::one($course, $context, $module);
            }
            return $results;
        });
        return ['courseid' => (int) $course->id, 'results' => $results];
    }

    /**
     * One item: upsert_module's result, or the error that stopped it (its changes rolled back).
     *
     * @param \stdClass $course
     * @param \context_course $context
     * @param array $module
     * @return array
     */
    private static function one(\stdClass $course, \context_course $context, array $module): array {
        $result = ['idnumber' => $module['idnumber'], 'ok' => false, 'cmid' => 0, 'instance' => 0, 'created' => false,
            'fingerprint' => '', 'errorcode' => '', 'message' => '', 'warnings' => []];
        try {
            return array_merge($result, module_writer::upsert($course, $context, $module), ['ok' => true]);
        } catch (\moodle_exception $e) {
            // Database and capability errors are moodle_exceptions too; anything else is a bug and ends the call.
            return array_merge($result, ['errorcode' => (string) $e->errorcode, 'message' => $e->getMessage()]);
        }
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'results' => new external_multiple_structure(new external_single_structure([
                'idnumber' => new external_value(PARAM_RAW, 'the module idnumber, as sent'),
                'ok' => new external_value(PARAM_BOOL, 'true when written; false: see errorcode and message'),
                'cmid' => new external_value(PARAM_INT, 'course module id, 0 on error'),
                'instance' => new external_value(PARAM_INT, 'instance id in the module table, 0 on error'),
                'created' => new external_value(PARAM_BOOL, 'true when created, false when updated or on error'),
                'fingerprint' => new external_value(PARAM_ALPHANUM, 'sha1 of the content Moodle now holds, "" on error'),
                'errorcode' => new external_value(PARAM_RAW, 'Moodle\'s error code, "" when ok'),
                'message' => new external_value(PARAM_RAW, 'the error message, "" when ok'),
                'warnings' => new external_warnings(),
            ]), 'one result per module, in the order sent'),
        ]);
    }
}
