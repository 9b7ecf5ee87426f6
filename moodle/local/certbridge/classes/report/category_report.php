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
     * @param int $categoryid
     * @return self
     */
    public static function build(int $categoryid): self {
        $report = new self();
        $courses = self::courses($categoryid);
        $certificates = [];
        foreach (array_chunk(array_keys($courses), calculator::CHUNK) as $chunk) {
            $plans = plan_store::load($chunk);
            foreach (calculator::reports($plans, false) as $courseid => $figures) {
                $report->courses[] = self::row($courses[$courseid], $figures);
                self::add_certificate($certificates, $plans[$courseid], $figures);
            }
        }
        usort($report->courses, fn($a, $b) => [$a->meets, $a->ratio, $a->shortname] <=> [$b->meets, $b->ratio, $b->shortname]);
        $report->totals = self::totals($report->courses);
        $report->certificates = self::certificates($certificates);
        return $report;
    }

    /**
     * Courses with a plan under the category that the user may see: the category report
     * capability in the course (so an override in one course hides it), and hidden courses
     * only with moodle/course:viewhiddencourses.
     *
     * @param int $categoryid 0 for the whole site
     * @return \stdClass[] course id => course (id, fullname, shortname, visible, category)
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
        $sql = "SELECT c.id, c.fullname, c.shortname, c.visible, c.category, $ctxfields
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
            $course->canview = has_any_capability(['local/certbridge:viewreport', 'local/certbridge:viewcategoryreport'],
                $context);
            $courses[(int) $course->id] = $course;
        }
        $rs->close();
        return $courses;
    }

    /**
     * One course's row.
     *
     * @param \stdClass $course
     * @param array $figures calculator report
     * @return \stdClass
     */
    private static function row(\stdClass $course, array $figures): \stdClass {
        return (object) [
            'id' => (int) $course->id,
            'canview' => !empty($course->canview),
            'shortname' => $course->shortname,
            'fullname' => $course->fullname,
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
        ];
    }

    /**
     * Add one course to its certificate's group.
     *
     * @param array $certificates key => group, by reference
     * @param \stdClass $plan
     * @param array $figures
     */
    private static function add_certificate(array &$certificates, \stdClass $plan, array $figures): void {
        if ($plan->certname === '' && $plan->standardid === '') {
            return;
        }
        $key = $plan->certname . "\x1f" . $plan->certlevel . "\x1f" . $plan->standardid;
        if (!isset($certificates[$key])) {
            $certificates[$key] = ['name' => $plan->certname, 'level' => $plan->certlevel,
                'standard' => $plan->standardid, 'courses' => 0, 'requirements' => [], 'covered' => []];
        }
        $group = &$certificates[$key];
        $group['courses']++;
        foreach ($plan->requirements as $req) {
            $group['requirements'][$req->code] ??= $req;
        }
        foreach ($figures['online_skills'] as $code) {
            $group['covered'][(string) $code] = true;
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
