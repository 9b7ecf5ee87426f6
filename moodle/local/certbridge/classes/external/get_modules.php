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
use local_certbridge\module_state;
use local_certbridge\report\plan_store;

/**
 * local_certbridge_get_modules: every module of a course whose idnumber starts with a
 * prefix, with what the planner compares (fingerprint, name, section, visibility).
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_modules extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'prefix' => new external_value(PARAM_RAW, 'idnumber prefix, not empty'),
        ]);
    }

    /**
     * List the course's modules inside the prefix, in course order.
     *
     * @param int $courseid
     * @param string $prefix
     * @return array
     */
    public static function execute(int $courseid, string $prefix): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['courseid' => $courseid, 'prefix' => $prefix]);
        $course = $DB->get_record('course', ['id' => $params['courseid']], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        require_capability('local/certbridge:sync', $context);
        module_lookup::require_prefix($params['prefix']);

        $rows = module_lookup::with_prefix($course->id, $params['prefix']);
        $states = module_state::load($rows);
        $modinfo = get_fast_modinfo($course);
        $modules = [];
        foreach ($rows as $row) {
            $cm = $modinfo->get_cm($row->id);
            $section = $cm->get_section_info();
            $position = array_search((int) $row->id, array_map('intval', $modinfo->sections[$cm->sectionnum] ?? []));
            $modules[] = [
                'idnumber' => $row->idnumber,
                'cmid' => (int) $row->id,
                'instance' => (int) $row->instance,
                'modname' => $row->modname,
                'name' => $cm->name,
                'section' => (int) $cm->sectionnum,
                'sectionvisible' => (int) $section->visible,
                'position' => $position === false ? -1 : (int) $position,
                'visible' => (int) $row->visible,
                'visibleoncoursepage' => (int) $row->visibleoncoursepage,
                'stealth' => ($row->visible && !$row->visibleoncoursepage) ? 1 : 0,
                'deletioninprogress' => (int) $row->deletioninprogress,
                'timemodified' => $states[(int) $row->id]->timemodified,
                'fingerprint' => $states[(int) $row->id]->fingerprint,
            ];
        }
        usort($modules, fn($a, $b) => [$a['section'], $a['position']] <=> [$b['section'], $b['position']]);
        // The API and plugin versions ride along so that a read-only run needs no get_info call.
        return [
            'courseid' => (int) $course->id,
            'api_version' => get_info::API_VERSION,
            'plugin_version' => (int) get_config('local_certbridge', 'version'),
            // So a sync sends the course plan only when it changed.
            'plan_fingerprint' => plan_store::fingerprint((int) $course->id),
            'modules' => $modules,
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
            'api_version' => new external_value(PARAM_INT, 'web-service API version, as get_info'),
            'plugin_version' => new external_value(PARAM_INT, 'plugin version, as get_info'),
            'plan_fingerprint' => new external_value(PARAM_ALPHANUM, 'fingerprint of the stored course plan, "" when none'),
            'modules' => new external_multiple_structure(new external_single_structure([
                'idnumber' => new external_value(PARAM_RAW, 'module idnumber'),
                'cmid' => new external_value(PARAM_INT, 'course module id'),
                'instance' => new external_value(PARAM_INT, 'instance id'),
                'modname' => new external_value(PARAM_PLUGIN, 'module type'),
                'name' => new external_value(PARAM_RAW, 'activity name'),
                'section' => new external_value(PARAM_INT, 'section number'),
                'sectionvisible' => new external_value(PARAM_INT, '1 when its section is visible'),
                'position' => new external_value(PARAM_INT, '0-based index among the section\'s modules'),
                'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
                'visibleoncoursepage' => new external_value(PARAM_INT, '1 shown on the course page'),
                'stealth' => new external_value(PARAM_INT, '1 when available but not shown on the course page'),
                'deletioninprogress' => new external_value(PARAM_INT, 'always 0: pending deletions are left out'),
                'timemodified' => new external_value(PARAM_INT, 'last change of the content'),
                'fingerprint' => new external_value(PARAM_ALPHANUM, 'sha1 of the content, "" when unknown'),
            ])),
        ]);
    }
}
