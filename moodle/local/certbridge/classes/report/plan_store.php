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
 * The course plans certbridge stores with each sync (local_certbridge_set_course_plan):
 * one row per course, its resources and its certificate requirements.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class plan_store {
    /** @var string the plan of a course */
    const PLAN = 'local_certbridge_plan';
    /** @var string its resources */
    const RESOURCES = 'local_certbridge_planres';
    /** @var string its requirements */
    const REQUIREMENTS = 'local_certbridge_planreq';

    /**
     * Replace a course's plan, in one transaction.
     *
     * @param int $courseid
     * @param array $plan as validated by set_course_plan::execute_parameters()
     */
    public static function save(int $courseid, array $plan): void {
        global $DB;
        $cert = $plan['certificate'] ?? [];
        $transaction = $DB->start_delegated_transaction();
        self::delete_course($courseid);
        $DB->insert_record(self::PLAN, (object) [
            'courseid' => $courseid,
            'fingerprint' => $plan['fingerprint'],
            'packid' => $plan['pack_id'],
            'packversion' => (string) ($plan['pack_version'] ?? ''),
            'packtitle' => \core_text::substr((string) ($plan['pack_title'] ?? ''), 0, 1333),
            'prefix' => $plan['prefix'],
            'target' => (float) $plan['target'],
            'certname' => (string) ($cert['name'] ?? ''),
            'certissuer' => (string) ($cert['issuer'] ?? ''),
            'certlevel' => (string) ($cert['level'] ?? ''),
            'standardid' => (string) ($cert['standard'] ?? ''),
            'standardversion' => (string) ($cert['standard_version'] ?? ''),
            'timemodified' => time(),
        ]);
        $resources = [];
        foreach (array_values($plan['resources'] ?? []) as $i => $res) {
            $resources[] = [
                'courseid' => $courseid,
                'sortorder' => $i,
                'resourceid' => $res['resource_id'],
                'name' => \core_text::substr((string) $res['name'], 0, 1333),
                'type' => $res['type'],
                'modname' => $res['modname'],
                'section' => (int) $res['section'],
                'status' => $res['status'],
                'visible' => (int) $res['visible'],
                'skills' => (string) $res['skills'],
                'fingerprint' => (string) $res['fingerprint'],
            ];
        }
        $DB->insert_records(self::RESOURCES, $resources);
        $requirements = [];
        foreach (array_values($plan['requirements'] ?? []) as $i => $req) {
            $requirements[] = [
                'courseid' => $courseid,
                'sortorder' => $i,
                'code' => $req['code'],
                'text' => (string) $req['text'],
                'areacode' => (string) $req['area_code'],
                'area' => (string) $req['area'],
                'taskcode' => (string) $req['task_code'],
                'task' => (string) $req['task'],
            ];
        }
        $DB->insert_records(self::REQUIREMENTS, $requirements);
        $transaction->allow_commit();
    }

    /**
     * The stored plan's fingerprint, "" when the course has none.
     *
     * @param int $courseid
     * @return string
     */
    public static function fingerprint(int $courseid): string {
        global $DB;
        return (string) $DB->get_field(self::PLAN, 'fingerprint', ['courseid' => $courseid]);
    }

    /**
     * Whether the course has a plan.
     *
     * @param int $courseid
     * @return bool
     */
    public static function exists(int $courseid): bool {
        global $DB;
        return $DB->record_exists(self::PLAN, ['courseid' => $courseid]);
    }

    /**
     * Plans of several courses with their resources and requirements.
     *
     * @param int[] $courseids
     * @param bool $requirements also load the requirements
     * @param bool $names also load each resource's name, type and section (for display)
     * @return \stdClass[] course id => plan row with ->resources and ->requirements (lists)
     */
    public static function load(array $courseids, bool $requirements = true, bool $names = true): array {
        global $DB;
        if (!$courseids) {
            return [];
        }
        [$insql, $params] = $DB->get_in_or_equal($courseids, SQL_PARAMS_NAMED);
        $plans = [];
        foreach ($DB->get_records_select(self::PLAN, "courseid $insql", $params) as $plan) {
            $plan->resources = [];
            $plan->requirements = [];
            $plans[(int) $plan->courseid] = $plan;
        }
        $fields = 'id, courseid, resourceid, modname, status, visible, skills, fingerprint' .
            ($names ? ', name, type, section' : '');
        $rs = $DB->get_recordset_select(self::RESOURCES, "courseid $insql", $params, 'courseid, sortorder', $fields);
        foreach ($rs as $res) {
            if (isset($plans[(int) $res->courseid])) {
                $plans[(int) $res->courseid]->resources[] = $res;
            }
        }
        $rs->close();
        if ($requirements) {
            $rs = $DB->get_recordset_select(self::REQUIREMENTS, "courseid $insql", $params, 'courseid, sortorder');
            foreach ($rs as $req) {
                if (isset($plans[(int) $req->courseid])) {
                    $plans[(int) $req->courseid]->requirements[] = $req;
                }
            }
            $rs->close();
        }
        return $plans;
    }

    /**
     * One course's plan, or null.
     *
     * @param int $courseid
     * @return \stdClass|null
     */
    public static function get(int $courseid): ?\stdClass {
        return self::load([$courseid])[$courseid] ?? null;
    }

    /**
     * Forget a course's plan (the course was deleted, or a new plan replaces it).
     *
     * @param int $courseid
     */
    public static function delete_course(int $courseid): void {
        global $DB;
        $DB->delete_records(self::RESOURCES, ['courseid' => $courseid]);
        $DB->delete_records(self::REQUIREMENTS, ['courseid' => $courseid]);
        $DB->delete_records(self::PLAN, ['courseid' => $courseid]);
    }
}
