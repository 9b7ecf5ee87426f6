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

/**
 * The report of every course with a plan under a category (subcategories included) or the
 * whole site, that the user may see: a row per course (below target first), totals, and the
 * certificate view — per certificate level, the requirements covered online across all its
 * courses (课证融合 at the programme level).
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class category_report {
    /** @var \stdClass[] one row per course, below target first */
    public array $courses = [];

    /** @var array totals over the courses */
    public array $totals = [];

    /** @var array[] one entry per certificate, level and standard */
    public array $certificates = [];

    /**
     * Build the report for a category (0: the whole site) as the current user may see it.
     *
     * Each course's figures come from the cache while its cache revision and plan are those
     * they were computed for; the others are computed live, in chunks, and cached (the
     * scheduled task warm_report_cache keeps them ready).
     *
     * @param int $categoryid
     * @return self
     */
    public static function build(int $categoryid): self {
        $report = new self();
        $courses = self::courses($categoryid);
        $entries = self::figures($courses);
        $certificates = [];
        foreach ($courses as $courseid => $course) {
            if (isset($entries[$courseid])) {
                $report->courses[] = self::row($course, $entries[$courseid]['row']);
                self::add_certificate($certificates, $entries[$courseid]);
            }
        }
        usort($report->courses, fn($a, $b) => [$a->meets, $a->ratio, $a->shortname] <=> [$b->meets, $b->ratio, $b->shortname]);
        $report->totals = self::totals($report->courses);
        $report->certificates = self::certificates($certificates);
        return $report;
    }

    /**
     * Each course's cached figures, computed (in chunks) and cached for those whose entry is
     * missing or no longer matches the course's cache revision or plan.
     *
     * @param \stdClass[] $courses course id => course with cacherev and planfingerprint
     * @return array[] course id => entry
     */
    public static function figures(array $courses): array {
        $cache = \cache::make('local_certbridge', 'coursefigures');
        $entries = [];
        $stale = [];
        foreach ($cache->get_many(array_keys($courses)) as $courseid => $entry) {
            $course = $courses[$courseid];
            if ($entry && $entry['rev'] === (int) $course->cacherev && $entry['plan'] === $course->planfingerprint) {
                $entries[$courseid] = $entry;
            } else {
                $stale[] = $courseid;
            }
        }
        foreach (array_chunk($stale, calculator::CHUNK) as $chunk) {
            $plans = plan_store::load($chunk, true, false);
            $fresh = [];
            foreach (calculator::reports($plans, false) as $courseid => $figures) {
                $fresh[$courseid] = self::entry($courses[$courseid], $plans[$courseid], $figures);
            }
            $cache->set_many($fresh);
            $entries += $fresh;
        }
        return $entries;
    }

    /**
     * What the cache keeps of one course: its row, its certificate and requirements, the
     * requirement codes it has online, and the revision and plan they hold for.
     *
     * @param \stdClass $course
     * @param \stdClass $plan
     * @param array $figures calculator report
     * @return array
     */
    private static function entry(\stdClass $course, \stdClass $plan, array $figures): array {
        $certified = $plan->certname !== '' || $plan->standardid !== '';
        return [
            'rev' => (int) $course->cacherev,
            'plan' => $plan->fingerprint,
            'row' => [
                'pack' => $figures['pack_id'],
                'certificate' => trim($figures['certificate']['name'] . ' ' . $figures['certificate']['level']),
                'planned' => $figures['planned'],
                'online' => $figures['online'],
                'ratio' => $figures['ratio'],
                'target' => $figures['target'],
                'meets' => $figures['meets_target'],
                'counts' => $figures['counts'],
                'requirements' => $figures['requirements'],
                'uncovered' => array_column($figures['uncovered'], 'code'),
            ],
            'cert' => $certified ? [$plan->certname, $plan->certlevel, $plan->standardid] : null,
            'requirements' => array_map(fn($req) => [$req->code, (string) $req->text, $req->areacode, $req->area,
                $req->taskcode, $req->task], $plan->requirements),
            'online' => array_map('strval', $figures['online_skills']),
        ];
    }

    /**
     * Courses with a plan under the category that the user may see: the category report
     * capability in the course (so an override in one course hides it), and hidden courses
     * only with moodle/course:viewhiddencourses.
     *
     * @param int $categoryid 0 for the whole site
     * @return \stdClass[] course id => course (id, fullname, shortname, visible, category, cacherev,
     *         planfingerprint); the user may open each one's course report (course.php lets the
     *         category report capability in)
     */
    public static function courses(int $categoryid): array {
        global $DB;
        $ctxfields = \context_helper::get_preload_record_columns_sql('ctx');
        $params = ['level' => CONTEXT_COURSE];
        $where = '';
        if ($categoryid) {
            $category = $DB->get_record('course_categories', ['id' => $categoryid], 'id, path', MUST_EXIST);
            $where = 'AND (cc.id = :catid OR ' . $DB->sql_like('cc.path', ':path') . ')';
            $params += ['catid' => $category->id, 'path' => $category->path . '/%'];
        }
        $sql = "SELECT c.id, c.fullname, c.shortname, c.visible, c.category, c.cacherev, p.fingerprint AS planfingerprint,
                       $ctxfields
                  FROM {course} c
                  JOIN {local_certbridge_plan} p ON p.courseid = c.id
                  JOIN {course_categories} cc ON cc.id = c.category
                  JOIN {context} ctx ON ctx.instanceid = c.id AND ctx.contextlevel = :level
                 WHERE 1 = 1 $where
              ORDER BY c.shortname";
        $courses = [];
        $rs = $DB->get_recordset_sql($sql, $params);
        foreach ($rs as $course) {
            \context_helper::preload_from_record($course);
            $context = \context_course::instance($course->id);
            if (!has_capability('local/certbridge:viewcategoryreport', $context)) {
                continue;
            }
            if (!$course->visible && !has_capability('moodle/course:viewhiddencourses', $context)) {
                continue;
            }
            $courses[(int) $course->id] = $course;
        }
        $rs->close();
        return $courses;
    }

    /**
     * One course's row.
     *
     * @param \stdClass $course
     * @param array $row the cached figures
     * @return \stdClass
     */
    private static function row(\stdClass $course, array $row): \stdClass {
        return (object) ([
            'id' => (int) $course->id,
            'shortname' => $course->shortname,
            'fullname' => $course->fullname,
        ] + $row);
    }

    /**
     * Add one course to its certificate's group.
     *
     * @param array $certificates key => group, by reference
     * @param array $entry the course's cached entry
     */
    private static function add_certificate(array &$certificates, array $entry): void {
        if ($entry['cert'] === null) {
            return;
        }
        [$name, $level, $standard] = $entry['cert'];
        $key = implode("\x1f", $entry['cert']);
        if (!isset($certificates[$key])) {
            $certificates[$key] = ['name' => $name, 'level' => $level, 'standard' => $standard, 'courses' => 0,
                'requirements' => [], 'covered' => []];
        }
        $group = &$certificates[$key];
        $group['courses']++;
        foreach ($entry['requirements'] as $req) {
            $group['requirements'][$req[0]] ??= (object) ['code' => $req[0], 'text' => $req[1], 'areacode' => $req[2],
                'area' => $req[3], 'taskcode' => $req[4], 'task' => $req[5]];
        }
        foreach ($entry['online'] as $code) {
            $group['covered'][$code] = true;
        }
    }

    /**
     * The certificate view: per group, requirements covered by some course and those not.
     *
     * @param array $groups
     * @return array[]
     */
    private static function certificates(array $groups): array {
        $out = [];
        foreach ($groups as $group) {
            $uncovered = [];
            foreach ($group['requirements'] as $code => $req) {
                if (!isset($group['covered'][(string) $code])) {
                    $uncovered[] = $req;
                }
            }
            $total = count($group['requirements']);
            $out[] = [
                'name' => $group['name'],
                'level' => $group['level'],
                'standard' => $group['standard'],
                'courses' => $group['courses'],
                'requirements' => $total,
                'covered' => $total - count($uncovered),
                'uncovered' => $uncovered,
            ];
        }
        usort($out, fn($a, $b) => [$a['name'], $a['level']] <=> [$b['name'], $b['level']]);
        return $out;
    }

    /**
     * Totals over the rows.
     *
     * @param \stdClass[] $rows
     * @return array
     */
    private static function totals(array $rows): array {
        $planned = array_sum(array_column($rows, 'planned'));
        $online = array_sum(array_column($rows, 'online'));
        $meets = count(array_filter($rows, fn($row) => $row->meets));
        return [
            'courses' => count($rows),
            'meets' => $meets,
            'below' => count($rows) - $meets,
            'planned' => $planned,
            'online' => $online,
            'ratio' => $planned ? $online / $planned : 1.0,
        ];
    }
}
