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

namespace local_certbridge\task;

use local_certbridge\report\category_report;

/**
 * Keeps the category report's per-course figures ready: recomputes those of every course
 * whose modules, sections or plan changed since they were cached, so coordinators' pages
 * open from the cache.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class warm_report_cache extends \core\task\scheduled_task {
    /**
     * The task's name in the admin pages.
     *
     * @return string
     */
    public function get_name(): string {
        return get_string('taskwarmcache', 'local_certbridge');
    }

    /**
     * Recompute the stale entries.
     */
    public function execute(): void {
        global $DB;
        $courses = $DB->get_records_sql('SELECT c.id, c.cacherev, p.fingerprint AS planfingerprint
                                           FROM {course} c
                                           JOIN {local_certbridge_plan} p ON p.courseid = c.id');
        $started = microtime(true);
        $entries = category_report::figures($courses);
        mtrace(sprintf('certbridge: figures of %d courses ready in %.1f s', count($entries), microtime(true) - $started));
    }
}
