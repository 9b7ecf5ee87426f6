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
 * Web-service functions of local_certbridge and the predefined service "certbridge".
 *
 * The API is documented in docs/plugin-api.md of the certbridge repository.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_certbridge_get_info' => [
        'classname' => 'local_certbridge\external\get_info',
        'description' => 'Plugin and Moodle versions, supported module and question types.',
        'type' => 'read',
        'capabilities' => 'local/certbridge:sync',
    ],
    'local_certbridge_ensure_sections' => [
        'classname' => 'local_certbridge\external\ensure_sections',
        'description' => 'Create missing course sections and rename sections by number.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, moodle/course:update',
    ],
    'local_certbridge_upsert_module' => [
        'classname' => 'local_certbridge\external\upsert_module',
        'description' => 'Create or update one activity identified by its idnumber.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities',
    ],
    'local_certbridge_upsert_modules' => [
        'classname' => 'local_certbridge\external\upsert_modules',
        'description' => 'Create or update many activities of one course, each identified by its idnumber.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities',
    ],
    'local_certbridge_import_questions' => [
        'classname' => 'local_certbridge\external\import_questions',
        'description' => 'Import a Moodle XML file into a quiz, replacing the questions of the previous import.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, mod/quiz:manage, moodle/question:add, moodle/question:editmine',
    ],
    'local_certbridge_get_modules' => [
        'classname' => 'local_certbridge\external\get_modules',
        'description' => 'List the modules of a course whose idnumber starts with a prefix, with fingerprints.',
        'type' => 'read',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities',
    ],
    'local_certbridge_export_module' => [
        'classname' => 'local_certbridge\external\export_module',
        'description' => 'What one module holds, as stored (a quiz\'s questions as Moodle XML), to keep a hand edit.',
        'type' => 'read',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities, moodle/question:viewall',
    ],
    'local_certbridge_delete_module' => [
        'classname' => 'local_certbridge\external\delete_module',
        'description' => 'Delete the module with an idnumber inside a prefix.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities',
    ],
    'local_certbridge_set_course_plan' => [
        'classname' => 'local_certbridge\external\set_course_plan',
        'description' => 'Store the course plan (pack, certificate, resources, requirements) the in-Moodle report reads.',
        'type' => 'write',
        'capabilities' => 'local/certbridge:sync, moodle/course:manageactivities',
    ],
    'local_certbridge_get_report' => [
        'classname' => 'local_certbridge\external\get_report',
        'description' => 'Completion and skill coverage of a course, computed live from its plan.',
        'type' => 'read',
        'capabilities' => 'local/certbridge:viewreport',
    ],
];

$services = [
    'certbridge resource sync' => [
        'shortname' => 'certbridge',
        'functions' => [
            'local_certbridge_get_info',
            'local_certbridge_ensure_sections',
            'local_certbridge_upsert_module',
            'local_certbridge_upsert_modules',
            'local_certbridge_import_questions',
            'local_certbridge_get_modules',
            'local_certbridge_export_module',
            'local_certbridge_delete_module',
            'local_certbridge_set_course_plan',
            'local_certbridge_get_report',
            'core_webservice_get_site_info',
            'core_course_get_categories',
            'core_course_create_categories',
            'core_course_get_courses_by_field',
            'core_course_create_courses',
            'core_course_update_courses',
            'core_course_get_contents',
            'core_course_get_course_module',
            'core_course_edit_module',
            'core_course_edit_section',
            'core_course_delete_modules',
            'core_files_get_unused_draft_itemid',
        ],
        // Shipped off and for authorised users only: it bundles course, category and module
        // writes with file upload. The admin enables it and authorises the sync user
        // (docs/plugin.md of certbridge).
        'restrictedusers' => 1,
        'enabled' => 0,
        'uploadfiles' => 1,
        'downloadfiles' => 1,
    ],
];
