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
use core_external\external_single_structure;
use core_external\external_value;
use core_external\external_warnings;
use local_certbridge\course_lock;
use local_certbridge\module_writer;

/**
 * local_certbridge_upsert_module: create or update one activity identified by its
 * idnumber, through add_moduleinfo()/update_moduleinfo() as the settings form does,
 * under the course's lock (see upsert_modules for many at once).
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class upsert_module extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters(['courseid' => new external_value(PARAM_INT, 'course id')]
            + module_writer::fields());
    }

    /**
     * Create the module when no module of the course has the idnumber, else update it.
     *
     * @param int $courseid
     * @param string $idnumber
     * @param string $modname
     * @param int $section
     * @param string $name
     * @param string $intro
     * @param int $visible
     * @param int $position
     * @param string $content
     * @param string $externalurl
     * @param int $draftitemid
     * @param string $filename
     * @return array
     */
    public static function execute(
        int $courseid,
        string $idnumber,
        string $modname,
        int $section,
        string $name,
        string $intro = '',
        int $visible = 1,
        int $position = -1,
        string $content = '',
        string $externalurl = '',
        int $draftitemid = 0,
        string $filename = ''
    ): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), [
            'courseid' => $courseid, 'idnumber' => $idnumber, 'modname' => $modname, 'section' => $section,
            'name' => $name, 'intro' => $intro, 'visible' => $visible, 'position' => $position,
            'content' => $content, 'externalurl' => $externalurl, 'draftitemid' => $draftitemid,
            'filename' => $filename,
        ]);
        $course = $DB->get_record('course', ['id' => $params['courseid']], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('moodle/course:manageactivities', $context);
        require_capability('local/certbridge:sync', $context);
        return course_lock::run($course->id, fn() => module_writer::upsert($course, $context, $params));
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'course module id'),
            'instance' => new external_value(PARAM_INT, 'instance id in the module table'),
            'created' => new external_value(PARAM_BOOL, 'true when created, false when updated'),
            'fingerprint' => new external_value(PARAM_ALPHANUM, 'sha1 of the content Moodle now holds'),
            'warnings' => new external_warnings(),
        ]);
    }
}
