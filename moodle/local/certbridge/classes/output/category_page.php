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

use local_certbridge\report\category_report;

/**
 * The category (or site) report page for coordinators: totals, the certificate view and
 * every course with a plan, below target first.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class category_page implements \renderable, \templatable {
    /** @var category_report the figures */
    protected category_report $report;

    /** @var string the category's name, or the site's */
    protected string $scope;

    /** @var \moodle_url the page, for the download selector */
    protected \moodle_url $url;

    /**
     * Constructor.
     *
     * @param category_report $report
     * @param string $scope
     * @param \moodle_url $url
     */
    public function __construct(category_report $report, string $scope, \moodle_url $url) {
        $this->report = $report;
        $this->scope = $scope;
        $this->url = $url;
    }

    /**
     * The page's data for the template local_certbridge/category_report.
     *
     * @param \renderer_base $output
     * @return array
     */
    public function export_for_template(\renderer_base $output): array {
        $totals = $this->report->totals;
        $certificates = [];
        foreach ($this->report->certificates as $cert) {
            $certificates[] = [
                'name' => $cert['name'],
                'level' => $cert['level'],
                'standard' => $cert['standard'],
                'courses' => $cert['courses'],
                'summary' => get_string(
                    'coveredcount',
                    'local_certbridge',
                    (object) ['covered' => $cert['covered'], 'total' => $cert['requirements']]
                ),
                'complete' => !$cert['uncovered'],
                'uncovered' => array_map(
                    fn($req) => ['code' => $req->code, 'text' => $req->text,
                    'area' => trim($req->areacode . ' ' . $req->area), 'task' => trim($req->taskcode . ' ' . $req->task)],
                    $cert['uncovered']
                ),
            ];
        }
        $coursesurl = new \moodle_url($this->url, ['what' => 'courses']);
        $certurl = new \moodle_url($this->url, ['what' => 'certificates']);
        return [
            'scope' => $this->scope,
            'hascourses' => $totals['courses'] > 0,
            'totals' => get_string('totals', 'local_certbridge', (object) [
                'courses' => $totals['courses'], 'meets' => $totals['meets'], 'below' => $totals['below']]),
            'figure' => figure::export($totals['online'], $totals['planned'], $totals['ratio'], null, true),
            'nbelow' => $totals['below'],
            'nmeets' => $totals['meets'],
            'ncourses' => $totals['courses'],
            'certificates' => $certificates,
            'hascertificates' => (bool) $certificates,
            'coursestable' => $output->courses_table($this->report->courses),
            'downloadcourses' => $output->download_dataformat_selector(
                get_string('downloadcourses', 'local_certbridge'),
                $coursesurl,
                'download',
                ['what' => 'courses']
            ),
            'downloadcertificates' => $output->download_dataformat_selector(
                get_string('downloadcertificates', 'local_certbridge'),
                $certurl,
                'download',
                ['what' => 'certificates']
            ),
        ];
    }
}
