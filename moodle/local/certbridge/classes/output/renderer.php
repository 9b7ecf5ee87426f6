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
 * Renderer of the report pages: Mustache templates for the figures and matrices, Moodle's
 * table API for the lists of resources and courses.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class renderer extends \plugin_renderer_base {
    /** @var string[] Bootstrap classes of each state's badge (the text says the state too) */
    const STATE_CLASSES = [
        'online' => 'bg-success',
        'outdated' => 'bg-warning text-dark',
        'hidden' => 'bg-dark',
        'missing' => 'bg-danger',
        'planned' => 'bg-info text-dark',
    ];

    /**
     * The course report.
     *
     * @param course_page $page
     * @return string HTML
     */
    protected function render_course_page(course_page $page): string {
        return $this->render_from_template('local_certbridge/course_report', $page->export_for_template($this));
    }

    /**
     * The category or site report.
     *
     * @param category_page $page
     * @return string HTML
     */
    protected function render_category_page(category_page $page): string {
        return $this->render_from_template('local_certbridge/category_report', $page->export_for_template($this));
    }

    /**
     * Each planned resource with its state and a link to its activity.
     *
     * @param array[] $resources calculator report resources
     * @param \moodle_url $url the page
     * @return string HTML
     */
    public function resources_table(array $resources, \moodle_url $url): string {
        global $CFG;
        require_once($CFG->libdir . '/tablelib.php');
        $columns = ['name', 'type', 'section', 'skills', 'state', 'reason'];
        $table = new \flexible_table('local-certbridge-resources');
        $table->define_columns($columns);
        $table->define_headers(array_map(fn($c) => get_string('col_' . $c, 'local_certbridge'), $columns));
        $table->define_baseurl($url);
        $table->set_attribute('class', 'generaltable local-certbridge-resources');
        $table->collapsible(false);
        $table->sortable(false);
        $table->setup();
        ob_start(); // The table prints as rows are added: keep it for the template.
        foreach ($resources as $res) {
            $name = s($res['name']);
            if ($res['cmid']) {
                $name = \html_writer::link(new \moodle_url(
                    '/mod/' . self::modname($res['type']) . '/view.php',
                    ['id' => $res['cmid']]
                ), $name);
            }
            $table->add_data([
                $name,
                get_string('type_' . $res['type'], 'local_certbridge'),
                $res['section'],
                s(implode(' ', $res['skills'])),
                $this->state_badge($res['state']),
                $res['reason'] === '' ? '' : get_string(self::reason_key($res['reason']), 'local_certbridge'),
            ], 'local-certbridge-' . $res['state']);
        }
        $table->finish_output();
        return ob_get_clean();
    }

    /**
     * Every course of the category report, below target first.
     *
     * @param \stdClass[] $courses category_report rows
     * @return string HTML
     */
    public function courses_table(array $courses): string {
        global $CFG;
        require_once($CFG->libdir . '/tablelib.php');
        $columns = ['course', 'certificate', 'figure', 'ratio', 'target', 'status', 'counts', 'uncovered'];
        $table = new \flexible_table('local-certbridge-courses');
        $table->define_columns($columns);
        $table->define_headers(array_map(fn($c) => get_string('col_' . $c, 'local_certbridge'), $columns));
        $table->define_baseurl($this->page->url);
        $table->set_attribute('class', 'generaltable local-certbridge-courses');
        $table->collapsible(false);
        $table->sortable(false);
        $table->setup();
        $order = array_diff(calculator::STATES, ['online']);
        ob_start(); // The table prints as rows are added: keep it for the template.
        foreach ($courses as $row) {
            // Every course listed may be opened: course.php admits the category report capability.
            $name = \html_writer::link(new \moodle_url('/local/certbridge/course.php', ['id' => $row->id]), s($row->shortname))
                . '<br><small>' . s($row->fullname) . '</small>';
            $counts = [];
            foreach ($order as $state) {
                if ($row->counts[$state]) {
                    $counts[] = get_string('state_' . $state, 'local_certbridge') . ' ' . $row->counts[$state];
                }
            }
            $table->add_data([
                $name,
                s($row->certificate),
                $row->online . ' / ' . $row->planned,
                figure::percent($row->ratio),
                figure::percent($row->target),
                $this->status_badge($row->meets),
                s(implode(', ', $counts)),
                s(implode(' ', $row->uncovered)),
            ], $row->meets ? 'local-certbridge-meets' : 'local-certbridge-below');
        }
        $table->finish_output();
        return ob_get_clean();
    }

    /**
     * A state as a coloured badge (the text says it too).
     *
     * @param string $state
     * @return string HTML
     */
    public function state_badge(string $state): string {
        $class = self::STATE_CLASSES[$state] ?? 'bg-light text-dark';
        return \html_writer::span(get_string('state_' . $state, 'local_certbridge'), "badge $class");
    }

    /**
     * A course's status as a badge.
     *
     * @param bool $meets
     * @return string HTML
     */
    public function status_badge(bool $meets): string {
        return \html_writer::span(
            get_string($meets ? 'status_meets' : 'status_below', 'local_certbridge'),
            'badge ' . ($meets ? 'bg-success' : 'bg-danger')
        );
    }

    /**
     * The language string of a reason code (content-differs -> reason_content_differs).
     *
     * @param string $reason
     * @return string
     */
    public static function reason_key(string $reason): string {
        return 'reason_' . str_replace('-', '_', $reason);
    }

    /**
     * The module of a pack type.
     *
     * @param string $type
     * @return string
     */
    private static function modname(string $type): string {
        return $type === 'file' ? 'resource' : $type;
    }
}
