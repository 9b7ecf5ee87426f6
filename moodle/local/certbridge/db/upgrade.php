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

/**
 * Upgrade steps of local_certbridge.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

/**
 * Bring the plugin's tables from an older version to this one.
 *
 * @param int $oldversion the version installed before this upgrade
 * @return bool
 */
function xmldb_local_certbridge_upgrade($oldversion) {
    global $DB;
    $dbman = $DB->get_manager();

    if ($oldversion < 2026113001) {
        // Course plans for the in-Moodle report: the tables exactly as install.xml defines them.
        $file = __DIR__ . '/install.xml';
        foreach (['local_certbridge_plan', 'local_certbridge_planres', 'local_certbridge_planreq'] as $name) {
            if (!$dbman->table_exists($name)) {
                $dbman->install_one_table_from_xmldb_file($file, $name);
            }
        }
        upgrade_plugin_savepoint(true, 2026113001, 'local', 'certbridge');
    }

    if ($oldversion < 2026113005) {
        // Function local_certbridge_export_module: no table changes; the upgrade registers it in the service.
        upgrade_plugin_savepoint(true, 2026113005, 'local', 'certbridge');
    }

    return true;
}
