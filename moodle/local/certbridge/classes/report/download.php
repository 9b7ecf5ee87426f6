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

namespace local_certbridge\report;

use local_certbridge\output\renderer;

/**
 * Downloads of the reports through Moodle's dataformat API (CSV, Excel, ODS, JSON, HTML,
 * whatever dataformat plugins the site has enabled): the column headings follow the
 * user's language.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class download {
    /**
     * Send a course's resources with their states.
     *
     * @param string $dataformat
     * @param \stdClass $course
     * @param array $report calculator report with resources
     */
    public static function course(string $dataformat, \stdClass $course, array $report): void {
        $columns = self::headings(['resource', 'name', 'type', 'section', 'skills', 'state', 'reason', 'cmid']);
        $rows = array_map(fn($res) => [
            $res['resource_id'],
            $res['name'],
            $res['type'],
            $res['section'],
            implode(' ', $res['skills']),
            get_string('state_' . $res['state'], 'local_certbridge'),
            $res['reason'] === '' ? '' : get_string(renderer::reason_key($res['reason']), 'local_certbridge'),
            $res['cmid'] ?: '',
        ], $report['resources']);
        \core\dataformat::download_data(
            clean_filename('certbridge-' . $course->shortname),
            $dataformat,
            $columns,
            new \ArrayIterator($rows)
        );
    }

    /**
     * Send the category report's courses, one row each.
     *
     * @param string $dataformat
     * @param string $name file name part
     * @param category_report $report
     */
    public static function courses(string $dataformat, string $name, category_report $report): void {
        $columns = self::headings(['shortname', 'fullname', 'pack', 'certificate', 'planned', 'online', 'ratio',
            'percent', 'target', 'status', ...array_map(fn($s) => 'n_' . $s, calculator::STATES),
            'requirements', 'uncovered']);
        $rows = array_map(fn($row) => [
            $row->shortname,
            $row->fullname,
            $row->pack,
            $row->certificate,
            $row->planned,
            $row->online,
            sprintf('%.4f', $row->ratio),
            sprintf('%.1f%%', $row->ratio * 100),
            $row->target,
            get_string($row->meets ? 'status_meets' : 'status_below', 'local_certbridge'),
            ...array_values($row->counts),
            $row->requirements,
            implode(' ', $row->uncovered),
        ], $report->courses);
        \core\dataformat::download_data(
            clean_filename('certbridge-' . $name),
            $dataformat,
            $columns,
            new \ArrayIterator($rows)
        );
    }

    /**
     * Send the certificate view: one row per requirement of each certificate level.
     *
     * @param string $dataformat
     * @param string $name file name part
     * @param category_report $report
     */
    public static function certificates(string $dataformat, string $name, category_report $report): void {
        $columns = self::headings(['certificatename', 'level', 'standard', 'courses', 'requirements', 'covered',
            'uncoveredcode', 'uncoveredtext']);
        $rows = [];
        foreach ($report->certificates as $cert) {
            $base = [$cert['name'], $cert['level'], $cert['standard'], $cert['courses'], $cert['requirements'],
                $cert['covered']];
            foreach ($cert['uncovered'] ?: [null] as $req) {
                $rows[] = [...$base, $req ? $req->code : '', $req ? (string) $req->text : ''];
            }
        }
        \core\dataformat::download_data(
            clean_filename('certbridge-certificates-' . $name),
            $dataformat,
            $columns,
            new \ArrayIterator($rows)
        );
    }

    /**
     * Column headings in the user's language.
     *
     * @param string[] $keys
     * @return string[]
     */
    private static function headings(array $keys): array {
        return array_map(fn($key) => get_string('dl_' . $key, 'local_certbridge'), $keys);
    }
}
