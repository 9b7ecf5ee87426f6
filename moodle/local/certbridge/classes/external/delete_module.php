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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->dirroot . '/course/lib.php');

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_single_structure;
use core_external\external_value;
use local_certbridge\course_lock;
use local_certbridge\module_lookup;

/**
 * local_certbridge_delete_module: delete a module by idnumber, only inside a prefix.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_module extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'idnumber' => new external_value(PARAM_RAW, 'idnumber of the module to delete'),
            'prefix' => new external_value(PARAM_RAW, 'the idnumber must start with it; not empty'),
        ]);
    }

    /**
     * Delete the module (every module, should several share the idnumber).
     *
     * @param int $courseid
     * @param string $idnumber
     * @param string $prefix
     * @return array
     */
    public static function execute(int $courseid, string $idnumber, string $prefix): array {
        global $DB;
        $params = self::validate_parameters(
            self::execute_parameters(),
            ['courseid' => $courseid, 'idnumber' => $idnumber, 'prefix' => $prefix]
        );
        $course = $DB->get_record('course', ['id' => $params['courseid']], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        require_capability('local/certbridge:sync', $context);
        module_lookup::require_prefix($params['prefix'], $params['idnumber']);

        $matches = module_lookup::by_idnumber($course->id, $params['idnumber']);
        if (!$matches) {
            return ['deleted' => false, 'cmid' => 0];
        }
        // As core_course_delete_modules: each module's own context decides, so a role
        // override that prohibits managing one module protects it. All are checked first.
        foreach ($matches as $cm) {
            require_capability('moodle/course:manageactivities', \context_module::instance($cm->id));
        }
        course_lock::run($course->id, function () use ($matches): void {
            foreach ($matches as $cm) {
                course_delete_module($cm->id);
            }
        });
        return ['deleted' => true, 'cmid' => (int) reset($matches)->id];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'deleted' => new external_value(PARAM_BOOL, 'false when no module had the idnumber'),
            'cmid' => new external_value(PARAM_INT, 'id of the deleted module, 0 when none'),
        ]);
    }
}
