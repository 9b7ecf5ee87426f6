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

namespace local_certbridge\output;

use local_certbridge\report\calculator;

/**
 * The course report page: the figure against the target, each planned resource with its
 * state, the skill-coverage matrix grouped by work area and work task.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class course_page implements \renderable, \templatable {
    /** @var \stdClass the course */
    protected \stdClass $course;

    /** @var \stdClass its plan (plan_store::get) */
    protected \stdClass $plan;

    /** @var array its live figures (calculator report with resources) */
    protected array $report;

    /** @var \moodle_url the page, for the download selector */
    protected \moodle_url $url;

    /**
     * Constructor.
     *
     * @param \stdClass $course
     * @param \stdClass $plan
     * @param array $report
     * @param \moodle_url $url
     */
    public function __construct(\stdClass $course, \stdClass $plan, array $report, \moodle_url $url) {
        $this->course = $course;
        $this->plan = $plan;
        $this->report = $report;
        $this->url = $url;
    }

    /**
     * The page's data for the template local_certbridge/course_report.
     *
     * @param \renderer_base $output
     * @return array
     */
    public function export_for_template(\renderer_base $output): array {
        $report = $this->report;
        $counts = [];
        foreach (calculator::STATES as $state) {
            $counts[] = ['state' => $state, 'label' => get_string('state_' . $state, 'local_certbridge'),
                'n' => $report['counts'][$state]];
        }
        $cert = $report['certificate'];
        return [
            'fullname' => format_string(
                $this->course->fullname,
                true,
                ['context' => \context_course::instance($this->course->id)]
            ),
            'packtitle' => $report['pack_title'],
            'packid' => $report['pack_id'],
            'packversion' => $report['pack_version'],
            'certificate' => $cert['name'] === '' ? '' : get_string('certificateof', 'local_certbridge', (object) $cert),
            'plantime' => userdate($report['plan_time']),
            'figure' => figure::export(
                $report['online'],
                $report['planned'],
                $report['ratio'],
                $report['target'],
                $report['meets_target']
            ),
            'counts' => $counts,
            'rows' => $this->coverage(),
            'hascoverage' => count($this->plan->requirements) > 0,
            'covered' => get_string(
                'coveredcount',
                'local_certbridge',
                (object) ['covered' => $report['covered'], 'total' => $report['requirements']]
            ),
            'resourcestable' => $output->resources_table($report['resources'], $this->url),
            'download' => $output->download_dataformat_selector(get_string('download'), $this->url, 'download'),
        ];
    }

    /**
     * The coverage matrix rows: requirements grouped by work area, then work task (their
     * cells span their rows), each with the resources that serve it and their states.
     *
     * @return array[]
     */
    private function coverage(): array {
        $serving = [];
        foreach ($this->report['resources'] as $res) {
            foreach ($res['skills'] as $code) {
                $serving[$code][] = ['name' => $res['name'], 'state' => $res['state'],
                    'statelabel' => get_string('state_' . $res['state'], 'local_certbridge'),
                    'badgeclass' => renderer::STATE_CLASSES[$res['state']]];
            }
        }
        $rows = [];
        $areastart = $taskstart = null;
        foreach ($this->plan->requirements as $i => $req) {
            $resources = $serving[$req->code] ?? [];
            $row = [
                'code' => $req->code,
                'text' => $req->text,
                'covered' => in_array('online', array_column($resources, 'state'), true),
                'resources' => $resources,
                'noresource' => !$resources,
                'areacell' => false,
                'taskcell' => false,
            ];
            $previous = $this->plan->requirements[$i - 1] ?? null;
            if (!$previous || $previous->areacode !== $req->areacode) {
                $areastart = count($rows);
                $row['areacell'] = true;
                $row['area'] = trim($req->areacode . ' ' . $req->area);
                $row['arearows'] = 0;
            }
            if (!$previous || $previous->areacode !== $req->areacode || $previous->taskcode !== $req->taskcode) {
                $taskstart = count($rows);
                $row['taskcell'] = true;
                $row['task'] = trim($req->taskcode . ' ' . $req->task);
                $row['taskrows'] = 0;
            }
            $rows[] = $row;
            $rows[$areastart]['arearows']++;
            $rows[$taskstart]['taskrows']++;
        }
        return $rows;
    }
}
