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
use local_certbridge\module_export;
use local_certbridge\module_state;

/**
 * local_certbridge_export_module: what one module holds, as stored, so that certbridge
 * can keep a teacher's hand edit before a sync overwrites it.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class export_module extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cmid' => new external_value(PARAM_INT, 'course module id'),
        ]);
    }

    /**
     * Export the module's name, description and content.
     *
     * @param int $cmid
     * @return array
     */
    public static function execute(int $cmid): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['cmid' => $cmid]);
        $cm = get_coursemodule_from_id('', $params['cmid'], 0, false, MUST_EXIST);
        $course = $DB->get_record('course', ['id' => $cm->course], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/certbridge:sync', $context);
        if (!in_array($cm->modname, module_state::MODTYPES, true)) {
            throw new \invalid_parameter_exception('Unsupported module type: ' . $cm->modname);
        }
        // Reading what a module holds, as its editing form would: in the module's own context.
        $modcontext = \context_module::instance($cm->id);
        require_capability('moodle/course:manageactivities', $modcontext);
        if ($cm->modname === 'quiz') {
            require_capability('moodle/question:viewall', $modcontext);
        }
        return module_export::export($cm, $course, $modcontext);
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'course module id'),
            'idnumber' => new external_value(PARAM_RAW, 'module idnumber'),
            'modname' => new external_value(PARAM_PLUGIN, 'module type'),
            'name' => new external_value(PARAM_RAW, 'activity name as stored'),
            'intro' => new external_value(PARAM_RAW, 'description as stored (a label\'s text)'),
            'content' => new external_value(PARAM_RAW, 'page: its HTML as stored, else ""'),
            'externalurl' => new external_value(PARAM_RAW, 'url: its target, else ""'),
            'filename' => new external_value(PARAM_RAW, 'resource: the main file\'s name, else ""'),
            'filesize' => new external_value(PARAM_INT, 'resource: its size in bytes'),
            'contenthash' => new external_value(PARAM_ALPHANUM, 'resource: sha1 of its bytes'),
            'fileurl' => new external_value(PARAM_RAW, 'resource: webservice/pluginfile.php address (no token)'),
            'questionsxml' => new external_value(PARAM_RAW, 'quiz: its questions, exported by qformat_xml, else ""'),
            'questioncount' => new external_value(PARAM_INT, 'quiz: questions exported'),
            'timemodified' => new external_value(PARAM_INT, 'last change Moodle knows of, 0 when unknown'),
            'modifiedby' => new external_value(PARAM_RAW, 'who made it, from the standard log; "" when unknown'),
            'modifiedbyid' => new external_value(PARAM_INT, 'their user id, 0 when unknown'),
            'fingerprint' => new external_value(PARAM_ALPHANUM, 'as get_modules reports it'),
        ]);
    }
}
