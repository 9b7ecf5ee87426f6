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
require_once($CFG->dirroot . '/course/modlib.php');

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_single_structure;
use core_external\external_value;
use core_external\external_warnings;
use invalid_parameter_exception;
use local_certbridge\draft_file;
use local_certbridge\module_lookup;
use local_certbridge\module_state;
use local_certbridge\moduleinfo_builder;

/**
 * local_certbridge_upsert_module: create or update one activity identified by its
 * idnumber, through add_moduleinfo()/update_moduleinfo() as the settings form does.
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
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'course id'),
            'idnumber' => new external_value(PARAM_RAW, 'the module idnumber, its identity'),
            'modname' => new external_value(PARAM_PLUGIN, 'resource, page, url, label or quiz'),
            'section' => new external_value(PARAM_INT, 'section number'),
            'name' => new external_value(PARAM_TEXT, 'activity name (ignored by label)'),
            'intro' => new external_value(PARAM_RAW, 'HTML description; the text of a label', VALUE_DEFAULT, ''),
            'visible' => new external_value(PARAM_INT, '1 shown, 0 hidden', VALUE_DEFAULT, 1),
            'position' => new external_value(PARAM_INT, '0-based index in the section, -1 leaves it', VALUE_DEFAULT, -1),
            'content' => new external_value(PARAM_RAW, 'page: HTML content', VALUE_DEFAULT, ''),
            'externalurl' => new external_value(PARAM_RAW_TRIMMED, 'url: target', VALUE_DEFAULT, ''),
            'draftitemid' => new external_value(
                PARAM_INT,
                'resource: draft item holding the file, 0 keeps it',
                VALUE_DEFAULT,
                0
            ),
            'filename' => new external_value(PARAM_FILE, 'resource: the main file in that draft item', VALUE_DEFAULT, ''),
        ]);
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

        if (!in_array($params['modname'], module_state::MODTYPES, true)) {
            throw new invalid_parameter_exception("modname must be one of " . implode(', ', module_state::MODTYPES));
        }
        module_lookup::require_valid_idnumber($params['idnumber']);
        if ($params['section'] < 0) {
            throw new invalid_parameter_exception('section must not be negative');
        }

        $warnings = [];
        $matches = module_lookup::by_idnumber($course->id, $params['idnumber']);
        $existing = $matches ? reset($matches) : null;
        if (count($matches) > 1) {
            $warnings[] = ['item' => 'module', 'itemid' => (int) $existing->id, 'warningcode' => 'duplicateidnumber',
                'message' => get_string('warning_duplicateidnumber', 'local_certbridge', $params['idnumber'])];
        }
        if ($existing && $existing->modname !== $params['modname']) {
            throw new \moodle_exception('certbridge_wrongmodname', 'local_certbridge', '', (object) [
                'idnumber' => $params['idnumber'], 'existing' => $existing->modname, 'requested' => $params['modname']]);
        }

        $filesdraft = 0;
        if ($params['modname'] === 'resource') {
            if ($params['draftitemid'] > 0) {
                $filesdraft = draft_file::isolate(draft_file::require_file($params['draftitemid'], $params['filename']));
            } else if (!$existing) {
                throw new invalid_parameter_exception('a new resource needs draftitemid');
            }
        }

        if (!$existing) {
            require_capability('mod/' . $params['modname'] . ':addinstance', $context);
        } else {
            // As course/modedit.php: an existing module is edited under its own context.
            require_capability('moodle/course:manageactivities', \context_module::instance($existing->id));
        }
        // Hiding or showing needs its own capability, as on the settings form and in
        // core_course_edit_module.
        if (($params['visible'] ? 1 : 0) !== ($existing ? (int) $existing->visible : 1)) {
            require_capability(
                'moodle/course:activityvisibility',
                $existing ? \context_module::instance($existing->id) : $context
            );
        }
        // All or nothing: update_moduleinfo() alone would leave half an update behind on failure.
        $transaction = $DB->start_delegated_transaction();
        if ($existing) {
            $cmid = self::update($course, $existing, $params, $filesdraft);
        } else {
            $cmid = (int) add_moduleinfo(moduleinfo_builder::for_create($course, $params, $filesdraft), $course)->coursemodule;
        }
        self::place($course, $cmid, $params['section'], $params['position']);
        self::set_visibility($cmid, (int) $params['visible']);
        $transaction->allow_commit();

        $cm = module_lookup::by_idnumber($course->id, $params['idnumber'])[$cmid];
        return [
            'cmid' => $cmid,
            'instance' => (int) $cm->instance,
            'created' => !$existing,
            'fingerprint' => module_state::fingerprint($cm),
            'warnings' => $warnings,
        ];
    }

    /**
     * Update the module's settings through update_moduleinfo(), after moving it to the
     * wanted section (the settings form cannot move a module).
     *
     * @param \stdClass $course
     * @param \stdClass $cm course_modules row
     * @param array $params
     * @param int $filesdraft
     * @return int cm id
     */
    private static function update(\stdClass $course, \stdClass $cm, array $params, int $filesdraft): int {
        if (get_fast_modinfo($course)->get_cm($cm->id)->sectionnum != $params['section']) {
            self::place($course, (int) $cm->id, $params['section'], -1);
        }
        // The full record, with the name update_moduleinfo() compares against.
        $cm = get_coursemodule_from_id('', $cm->id, 0, false, MUST_EXIST);
        [$cm, $info] = moduleinfo_builder::for_update($course, $cm, $params, $filesdraft);
        update_moduleinfo($cm, $info, $course);
        return (int) $cm->id;
    }

    /**
     * Put the module in a section, at a 0-based position among its modules
     * (-1: leave it where it is in that section, or append when it moves there).
     *
     * @param \stdClass $course
     * @param int $cmid
     * @param int $sectionnum
     * @param int $position
     */
    private static function place(\stdClass $course, int $cmid, int $sectionnum, int $position): void {
        $modinfo = get_fast_modinfo($course);
        $cm = $modinfo->get_cm($cmid);
        $section = $modinfo->get_section_info($sectionnum);
        if (!$section) {
            \core_courseformat\formatactions::section($course)->create_if_missing(range(0, $sectionnum));
            $modinfo = get_fast_modinfo($course);
            $section = $modinfo->get_section_info($sectionnum);
        }
        $current = array_values($modinfo->sections[$sectionnum] ?? []);
        $index = array_search($cmid, $current);
        if ($index !== false && ($position < 0 || $index === $position)) {
            return;
        }
        $others = array_values(array_diff($current, [$cmid]));
        $before = ($position >= 0 && isset($others[$position])) ? $modinfo->get_cm($others[$position]) : null;
        moveto_module($cm, $section, $before);
    }

    /**
     * Show or hide the module; moving into a hidden section may have hidden it.
     *
     * @param int $cmid
     * @param int $visible
     */
    private static function set_visibility(int $cmid, int $visible): void {
        $cm = get_coursemodule_from_id('', $cmid, 0, false, MUST_EXIST);
        if ((int) $cm->visible !== $visible) {
            set_coursemodule_visible($cmid, $visible, $visible ? (int) $cm->visibleoncoursepage : 1);
        }
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
