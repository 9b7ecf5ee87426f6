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

use invalid_parameter_exception;

/**
 * Finds the course modules certbridge manages, by idnumber.
 *
 * A module's idnumber is its identity for certbridge; modules pending asynchronous
 * deletion no longer count.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class module_lookup {
    /** @var int the length of course_modules.idnumber */
    public const IDNUMBER_MAXLENGTH = 100;

    /**
     * Live modules of a course whose idnumber starts with a prefix, oldest first.
     *
     * @param int $courseid
     * @param string $prefix non-empty idnumber prefix
     * @return \stdClass[] course_modules rows plus modname, keyed by cm id
     */
    public static function with_prefix(int $courseid, string $prefix): array {
        global $DB;
        $like = $DB->sql_like('cm.idnumber', ':prefix', true, true);
        return self::query(
            "cm.course = :courseid AND $like",
            ['courseid' => $courseid, 'prefix' => $DB->sql_like_escape($prefix) . '%']
        );
    }

    /**
     * Live modules of a course with exactly this idnumber, oldest first (normally one).
     *
     * @param int $courseid
     * @param string $idnumber
     * @return \stdClass[] course_modules rows plus modname, keyed by cm id
     */
    public static function by_idnumber(int $courseid, string $idnumber): array {
        return self::query(
            'cm.course = :courseid AND cm.idnumber = :idnumber',
            ['courseid' => $courseid, 'idnumber' => $idnumber]
        );
    }

    /**
     * One live module by id.
     *
     * @param int $cmid
     * @return \stdClass course_modules row plus modname
     * @throws \dml_missing_record_exception when there is none
     */
    public static function by_id(int $cmid): \stdClass {
        $rows = self::query('cm.id = :cmid', ['cmid' => $cmid]);
        if (!$rows) {
            throw new \dml_missing_record_exception('course_modules', '', ['id' => $cmid]);
        }
        return reset($rows);
    }

    /**
     * Refuse an empty prefix (it would match every module) or an idnumber outside it.
     *
     * @param string $prefix
     * @param string|null $idnumber the idnumber that must start with $prefix, if any
     * @throws invalid_parameter_exception
     */
    public static function require_prefix(string $prefix, ?string $idnumber = null): void {
        if ($prefix === '') {
            throw new invalid_parameter_exception('prefix must not be empty');
        }
        if ($idnumber !== null && strpos($idnumber, $prefix) !== 0) {
            throw new invalid_parameter_exception("idnumber '$idnumber' does not start with prefix '$prefix'");
        }
    }

    /**
     * Refuse an idnumber that course_modules cannot hold.
     *
     * @param string $idnumber
     * @throws invalid_parameter_exception
     */
    public static function require_valid_idnumber(string $idnumber): void {
        if (trim($idnumber) === '' || \core_text::strlen($idnumber) > self::IDNUMBER_MAXLENGTH) {
            throw new invalid_parameter_exception(
                'idnumber must be 1 to ' . self::IDNUMBER_MAXLENGTH . ' characters long'
            );
        }
    }

    /**
     * Run the shared query over course_modules joined to modules.
     *
     * @param string $where SQL condition on cm
     * @param array $params
     * @return \stdClass[]
     */
    private static function query(string $where, array $params): array {
        global $DB;
        $sql = "SELECT cm.*, m.name AS modname
                  FROM {course_modules} cm
                  JOIN {modules} m ON m.id = cm.module
                 WHERE cm.deletioninprogress = 0 AND $where
              ORDER BY cm.id";
        return $DB->get_records_sql($sql, $params);
    }
}
