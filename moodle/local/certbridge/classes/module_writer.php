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

namespace local_certbridge;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/course/modlib.php');

use core_external\external_value;
use invalid_parameter_exception;

/**
 * Creates or updates one activity identified by its idnumber, through
 * add_moduleinfo()/update_moduleinfo() as the settings form does: the work of
 * upsert_module and of each item of upsert_modules. The caller holds the course's lock
 * (course_lock) and has checked local/certbridge:sync and moodle/course:manageactivities
 * in the course.
 *
 * Positions are read from course_sections, not from the course cache, so that a batch
 * never rebuilds the cache between its items.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class module_writer {
    /**
     * The fields of one module, as upsert_module takes them (without courseid).
     *
     * @return external_value[]
     */
    public static function fields(): array {
        return [
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
        ];
    }

    /**
     * Create the module when no module of the course has the idnumber, else update it,
     * all or nothing.
     *
     * @param \stdClass $course
     * @param \context_course $context the course's context
     * @param array $params validated fields(), as upsert_module takes them
     * @return array upsert_module's result
     */
    public static function upsert(\stdClass $course, \context_course $context, array $params): array {
        global $DB;
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

        // As course/modedit.php: an existing module is edited under its own context.
        $writecontext = $existing ? \context_module::instance($existing->id) : $context;
        if (!$existing) {
            require_capability('mod/' . $params['modname'] . ':addinstance', $writecontext);
        } else {
            require_capability('moodle/course:manageactivities', $writecontext);
        }
        // Hiding or showing needs its own capability, as on the settings form and in
        // core_course_edit_module.
        if (($params['visible'] ? 1 : 0) !== ($existing ? (int) $existing->visible : 1)) {
            require_capability('moodle/course:activityvisibility', $writecontext);
        }
        // All or nothing: update_moduleinfo() alone would leave half an update behind on failure.
        $transaction = $DB->start_delegated_transaction();
        try {
            if ($existing) {
                $cmid = self::update($course, $existing, $params, $filesdraft);
            } else {
                $info = moduleinfo_builder::for_create($course, $params, $filesdraft);
                $cmid = (int) add_moduleinfo($info, $course)->coursemodule;
            }
            self::place($course, $cmid, $params['section'], $params['position']);
            self::set_visibility($cmid, (int) $params['visible']);
            $transaction->allow_commit();
        } catch (\Throwable $e) {
            try {
                $transaction->rollback($e);
            } finally {
                // What the failed write left in the course cache no longer exists: start afresh.
                rebuild_course_cache($course->id, true);
            }
        }

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
     * @param \stdClass $cm course_modules row with modname
     * @param array $params
     * @param int $filesdraft
     * @return int cm id
     */
    private static function update(\stdClass $course, \stdClass $cm, array $params, int $filesdraft): int {
        global $DB;
        $sectionnum = $DB->get_field('course_sections', 'section', ['id' => $cm->section]);
        if ((int) $sectionnum !== (int) $params['section']) {
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
        global $DB;
        $section = $DB->get_record('course_sections', ['course' => $course->id, 'section' => $sectionnum]);
        if (!$section) {
            \core_courseformat\formatactions::section($course)->create_if_missing(range(0, $sectionnum));
            $section = $DB->get_record('course_sections', ['course' => $course->id, 'section' => $sectionnum], '*', MUST_EXIST);
        }
        $current = array_values(array_filter(array_map('intval', explode(',', (string) $section->sequence))));
        $index = array_search($cmid, $current, true);
        if ($index !== false && ($position < 0 || $index === $position)) {
            return;
        }
        $others = array_values(array_diff($current, [$cmid]));
        $before = ($position >= 0 && isset($others[$position])) ? $others[$position] : null;
        $cm = module_lookup::by_id($cmid);
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
}
