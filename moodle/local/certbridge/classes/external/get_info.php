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
use local_certbridge\module_state;

/**
 * local_certbridge_get_info: what this plugin and this Moodle support.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_info extends external_api {
    /** @var int version of the web-service API in docs/plugin-api.md (2: upsert_modules) */
    public const API_VERSION = 2;

    /** @var string[] question types the bridge writes in its Moodle XML */
    public const QTYPES = ['description', 'essay', 'match', 'multichoice', 'numerical', 'shortanswer', 'truefalse'];

    /**
     * No parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([]);
    }

    /**
     * Versions and supported types.
     *
     * @return array
     */
    public static function execute(): array {
        global $CFG, $DB;
        self::validate_parameters(self::execute_parameters(), []);
        $context = \context_system::instance();
        self::validate_context($context);
        require_capability('local/certbridge:sync', $context);

        $plugin = \core_plugin_manager::instance()->get_plugin_info('local_certbridge');
        $enabledmods = $DB->get_fieldset_select('modules', 'name', 'visible = 1');
        $modtypes = array_values(array_intersect(module_state::MODTYPES, $enabledmods));
        $installedqtypes = array_keys(\core_component::get_plugin_list('qtype'));
        $qtypes = array_values(array_intersect(self::QTYPES, $installedqtypes));
        return [
            'component' => 'local_certbridge',
            'plugin_version' => (int) $plugin->versiondisk,
            'plugin_release' => (string) $plugin->release,
            'api_version' => self::API_VERSION,
            'moodle_version' => (int) floor((float) $CFG->version),
            'moodle_release' => (string) $CFG->release,
            'modtypes' => $modtypes,
            'qtypes' => $qtypes,
            'maxbytes' => (int) ($CFG->maxbytes ?? 0),
        ];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'component' => new external_value(PARAM_COMPONENT, 'always local_certbridge'),
            'plugin_version' => new external_value(PARAM_INT, 'plugin version, YYYYMMDDXX'),
            'plugin_release' => new external_value(PARAM_TEXT, 'plugin release'),
            'api_version' => new external_value(PARAM_INT, 'web-service API version'),
            'moodle_version' => new external_value(PARAM_INT, 'Moodle version number (integer part)'),
            'moodle_release' => new external_value(PARAM_TEXT, 'Moodle release'),
            'modtypes' => new external_multiple_structure(
                new external_value(PARAM_PLUGIN, 'module type'),
                'module types upsert_module can create'
            ),
            'qtypes' => new external_multiple_structure(
                new external_value(PARAM_PLUGIN, 'question type'),
                'question types import_questions accepts'
            ),
            'maxbytes' => new external_value(PARAM_INT, 'site upload limit in bytes, 0 = PHP limit only'),
        ]);
    }
}
