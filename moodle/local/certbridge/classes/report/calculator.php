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

use local_certbridge\module_state;

/**
 * Live completion figures of courses from their stored plans and Moodle's own state,
 * with exactly the definitions of certbridge's docs/report.md:
 *
 * - online: the module exists, students see it (visible, not stealth, its section
 *   visible) and its fingerprint is the plan's;
 * - outdated: visible, but its content (fingerprint) or module type differs;
 * - hidden: it exists but students cannot see it;
 * - missing: no module with its idnumber;
 * - planned: the pack marks it planned (not produced yet).
 *
 * Precedence: planned, missing, hidden, outdated. Figure = online / planned resources.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class calculator {
    /** @var string[] every state, in the order reports show them */
    const STATES = ['online', 'outdated', 'hidden', 'missing', 'planned'];

    /** @var int courses read per batch of queries (bounds memory on a large category) */
    const CHUNK = 200;

    /**
     * The report of one course, or null when it has no plan.
     *
     * @param int $courseid
     * @return array|null as local_certbridge_get_report returns it
     */
    public static function course(int $courseid): ?array {
        $plan = plan_store::get($courseid);
        return $plan ? self::reports([$courseid => $plan], true)[$courseid] : null;
    }

    /**
     * Reports of many courses, read in chunks.
     *
     * @param int[] $courseids courses with a plan (others are skipped)
     * @param bool $resources keep each resource's state in the result
     * @return array course id => report
     */
    public static function for_courses(array $courseids, bool $resources = false): array {
        $reports = [];
        foreach (array_chunk(array_values($courseids), self::CHUNK) as $chunk) {
            $reports += self::reports(plan_store::load($chunk), $resources);
        }
        return $reports;
    }

    /**
     * Reports of the courses of some loaded plans.
     *
     * @param \stdClass[] $plans course id => plan (plan_store::load)
     * @param bool $resources keep each resource's state in the result
     * @return array course id => report
     */
    public static function reports(array $plans, bool $resources): array {
        $live = self::live_modules($plans);
        $fingerprints = self::fingerprints($plans, $live);
        $reports = [];
        foreach ($plans as $courseid => $plan) {
            $reports[$courseid] = self::report($plan, $live[$courseid] ?? [], $fingerprints, $resources);
        }
        return $reports;
    }

    /**
     * The state of one planned resource and a short reason code ('' when online).
     *
     * @param \stdClass $res plan resource (status, visible, modname, fingerprint)
     * @param \stdClass|null $cm live module (visible, visibleoncoursepage, sectionvisible, modname), null when absent
     * @param string|null $fingerprint the module's content fingerprint (needed only when it is visible)
     * @return string[] [state, reason]
     */
    public static function state(\stdClass $res, ?\stdClass $cm, ?string $fingerprint): array {
        if ($res->status !== 'ready') {
            return ['planned', 'status-planned'];
        }
        if ($cm === null) {
            return ['missing', 'not-in-course'];
        }
        if (!$cm->sectionvisible) {
            return ['hidden', 'section-hidden'];
        }
        if (!$cm->visible) {
            return ['hidden', $res->visible ? 'hidden' : 'hidden-in-pack'];
        }
        if (!$cm->visibleoncoursepage) {
            return ['hidden', 'stealth'];
        }
        if ($cm->modname !== $res->modname) {
            return ['outdated', 'type-differs'];
        }
        if ($res->fingerprint !== '' && $fingerprint !== $res->fingerprint) {
            return ['outdated', $fingerprint ? 'content-differs' : 'content-unknown'];
        }
        return ['online', ''];
    }

    /**
     * Modules of the plans' courses inside each plan's prefix (the oldest of duplicates).
     *
     * @param \stdClass[] $plans course id => plan
     * @return array course id => idnumber => module row
     */
    private static function live_modules(array $plans): array {
        global $DB;
        if (!$plans) {
            return [];
        }
        [$insql, $params] = $DB->get_in_or_equal(array_keys($plans), SQL_PARAMS_NAMED);
        $sql = "SELECT cm.id, cm.course, cm.idnumber, cm.instance, cm.visible, cm.visibleoncoursepage,
                       m.name AS modname, cs.visible AS sectionvisible
                  FROM {course_modules} cm
                  JOIN {modules} m ON m.id = cm.module
                  JOIN {course_sections} cs ON cs.id = cm.section
                 WHERE cm.course $insql AND cm.deletioninprogress = 0 AND cm.idnumber <> ''
              ORDER BY cm.id";
        $live = [];
        $rs = $DB->get_recordset_sql($sql, $params);
        foreach ($rs as $cm) {
            $courseid = (int) $cm->course;
            if (strpos($cm->idnumber, $plans[$courseid]->prefix) === 0 && !isset($live[$courseid][$cm->idnumber])) {
                $live[$courseid][$cm->idnumber] = $cm;
            }
        }
        $rs->close();
        return $live;
    }

    /**
     * Content fingerprints of the modules whose state depends on them: those state() would
     * call online if their content were the plan's, when the plan has a fingerprint. The
     * others are settled without reading content.
     *
     * @param \stdClass[] $plans
     * @param array $live course id => idnumber => module row
     * @return string[] cm id => fingerprint
     */
    private static function fingerprints(array $plans, array $live): array {
        $needed = [];
        foreach ($plans as $courseid => $plan) {
            foreach ($plan->resources as $res) {
                $cm = $live[$courseid][$plan->prefix . $res->resourceid] ?? null;
                // Asked with the plan's own fingerprint, state() applies every other rule:
                // one definition of when content matters, not a copy of its precedence.
                if ($cm && $res->fingerprint !== '' && self::state($res, $cm, $res->fingerprint)[0] === 'online') {
                    $needed[] = $cm;
                }
            }
        }
        $fingerprints = [];
        foreach (module_state::load($needed) as $cmid => $state) {
            $fingerprints[$cmid] = $state->fingerprint;
        }
        return $fingerprints;
    }

    /**
     * One course's figures from its plan and live modules.
     *
     * @param \stdClass $plan
     * @param \stdClass[] $live idnumber => module row
     * @param string[] $fingerprints cm id => fingerprint
     * @param bool $withresources keep each resource's state
     * @return array
     */
    private static function report(\stdClass $plan, array $live, array $fingerprints, bool $withresources): array {
        $counts = array_fill_keys(self::STATES, 0);
        $online = [];
        $resources = [];
        foreach ($plan->resources as $res) {
            $idnumber = $plan->prefix . $res->resourceid;
            $cm = $live[$idnumber] ?? null;
            [$state, $reason] = self::state($res, $cm, $cm ? ($fingerprints[(int) $cm->id] ?? null) : null);
            $counts[$state]++;
            $skills = $res->skills === null || $res->skills === '' ? [] : explode(' ', $res->skills);
            if ($state === 'online') {
                foreach ($skills as $code) {
                    $online[$code] = true;
                }
            }
            if ($withresources) {
                $resources[] = [
                    'resource_id' => $res->resourceid,
                    'idnumber' => $idnumber,
                    'name' => $res->name,
                    'type' => $res->type,
                    'section' => (int) $res->section,
                    'skills' => $skills,
                    'state' => $state,
                    'reason' => $reason,
                    'cmid' => $cm ? (int) $cm->id : 0,
                ];
            }
        }
        $planned = count($plan->resources);
        $ratio = $planned ? $counts['online'] / $planned : 1.0;
        $target = (float) $plan->target;
        // The same tolerance as certbridge: 5 of 10 meets a target written as 0.5.
        $meets = $ratio + 1e-9 >= $target;
        $uncovered = [];
        foreach ($plan->requirements as $req) {
            if (!isset($online[$req->code])) {
                $uncovered[] = [
                    'code' => $req->code,
                    'text' => (string) $req->text,
                    'area_code' => $req->areacode,
                    'area' => $req->area,
                    'task_code' => $req->taskcode,
                    'task' => $req->task,
                ];
            }
        }
        return [
            'courseid' => (int) $plan->courseid,
            'pack_id' => $plan->packid,
            'pack_title' => $plan->packtitle,
            'pack_version' => $plan->packversion,
            'plan_fingerprint' => $plan->fingerprint,
            'plan_time' => (int) $plan->timemodified,
            'certificate' => [
                'name' => $plan->certname,
                'issuer' => $plan->certissuer,
                'level' => $plan->certlevel,
                'standard' => $plan->standardid,
                'standard_version' => $plan->standardversion,
            ],
            'planned' => $planned,
            'online' => $counts['online'],
            'ratio' => round($ratio, 6),
            'target' => $target,
            'meets_target' => $meets,
            'status' => $meets ? 'meets' : 'below',
            'counts' => $counts,
            'resources' => $resources,
            'requirements' => count($plan->requirements),
            'covered' => count($plan->requirements) - count($uncovered),
            'uncovered' => $uncovered,
            'online_skills' => array_keys($online),
        ];
    }
}
