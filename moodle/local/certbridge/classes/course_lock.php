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

/**
 * One writer per course: every plugin function that changes a course's modules or
 * sections runs under this course's lock (Moodle's lock API), until its transaction
 * has committed. Concurrent creates in one course otherwise race on PostgreSQL: a
 * request reads, from the shared course cache, a module another has not committed yet
 * and creates its context a second time (duplicate key on mdl_cont_conins_uix).
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class course_lock {
    /** @var int seconds a request waits for another writer of the same course */
    public const TIMEOUT = 120;

    /**
     * Run $work while holding the course's lock; the lock is released however $work ends.
     *
     * @param int $courseid
     * @param callable $work
     * @return mixed what $work returns
     * @throws \moodle_exception certbridge_coursebusy when the lock cannot be had in time
     */
    public static function run(int $courseid, callable $work) {
        $factory = \core\lock\lock_config::get_lock_factory('local_certbridge');
        $lock = $factory->get_lock('course_' . $courseid, self::TIMEOUT);
        if (!$lock) {
            throw new \moodle_exception('certbridge_coursebusy', 'local_certbridge', '', $courseid);
        }
        try {
            return $work();
        } finally {
            // One course-cache invalidation per call, however many modules it wrote: the
            // next reader (this request included) rebuilds the course's modinfo once.
            rebuild_course_cache($courseid, true);
            $lock->release();
        }
    }
}
