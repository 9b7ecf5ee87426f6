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

use core_external\external_api;
use local_certbridge\external\get_modules;
use local_certbridge\external\get_report;
use local_certbridge\external\set_course_plan;
use local_certbridge\report\calculator;
use local_certbridge\report\category_report;
use local_certbridge\report\plan_store;

/**
 * Tests of the course plans and the live report (set_course_plan, get_report, the
 * calculator behind the course and category pages).
 *
 * @package    local_certbridge
 * @category   test
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_certbridge\external\set_course_plan
 * @covers     \local_certbridge\external\get_report
 * @covers     \local_certbridge\report\calculator
 * @covers     \local_certbridge\report\plan_store
 * @covers     \local_certbridge\report\category_report
 * @covers     \local_certbridge\task\warm_report_cache
 */
final class report_test extends \advanced_testcase {
    /** @var string idnumber prefix used by these tests */
    const PREFIX = 'certbridge:rpt:';

    /**
     * A course with four pages (p1..p4) and the plan of five resources (p5 planned).
     *
     * @param int $category the course category, 0 for the default one
     * @return \stdClass the course
     */
    private function course_with_plan(int $category = 0): \stdClass {
        $generator = $this->getDataGenerator();
        $course = $generator->create_course(['numsections' => 2] + ($category ? ['category' => $category] : []));
        $resources = [];
        foreach (['p1', 'p2', 'p3', 'p4', 'p5'] as $i => $id) {
            $content = "<p>$id</p>";
            if ($id !== 'p5') {
                $generator->create_module('page', ['course' => $course->id, 'section' => $i < 2 ? 1 : 2,
                    'idnumber' => self::PREFIX . $id, 'name' => $id, 'content' => $content]);
            }
            $resources[] = ['resource_id' => $id, 'name' => $id, 'type' => 'page', 'modname' => 'page',
                'section' => $i < 2 ? 1 : 2, 'status' => $id === 'p5' ? 'planned' : 'ready', 'visible' => 1,
                'skills' => $id === 'p1' ? '1.1.1 1.1.2' : ($id === 'p2' ? '1.2.1' : ''),
                'fingerprint' => $id === 'p5' ? '' : sha1($content)];
        }
        $requirements = [];
        foreach (['1.1.1', '1.1.2', '1.2.1', '2.1.1'] as $code) {
            $requirements[] = ['code' => $code, 'text' => "要求 $code", 'area_code' => $code[0], 'area' => "领域 $code[0]",
                'task_code' => substr($code, 0, 3), 'task' => 'task ' . substr($code, 0, 3)];
        }
        $this->setAdminUser();
        set_course_plan::execute($course->id, ['fingerprint' => str_repeat('a', 40), 'pack_id' => 'rpt',
            'pack_version' => '1.0.0', 'pack_title' => '报告', 'prefix' => self::PREFIX, 'target' => 0.5,
            'certificate' => ['name' => 'Web前端开发', 'issuer' => '教育部', 'level' => '初级', 'standard' => 'web',
                'standard_version' => '2021'],
            'resources' => $resources, 'requirements' => $requirements]);
        return $course;
    }

    /**
     * The report as a web-service client sees it.
     *
     * @param int $courseid
     * @return array
     */
    private function report(int $courseid): array {
        return external_api::clean_returnvalue(get_report::execute_returns(), get_report::execute($courseid));
    }

    public function test_figures_of_a_fresh_plan_and_the_fingerprint_in_get_modules(): void {
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        $report = $this->report($course->id);
        $this->assertSame([5, 4, 0.8, true, 'meets'], [$report['planned'], $report['online'], $report['ratio'],
            $report['meets_target'], $report['status']]);
        $this->assertSame(
            ['online' => 4, 'outdated' => 0, 'hidden' => 0, 'missing' => 0, 'planned' => 1],
            $report['counts']
        );
        $this->assertSame(['2.1.1'], array_column($report['uncovered'], 'code'));
        $this->assertSame('初级', $report['certificate']['level']);
        $modules = get_modules::execute($course->id, self::PREFIX);
        $this->assertSame(str_repeat('a', 40), $modules['plan_fingerprint']);
    }

    public function test_hand_changes_show_at_once(): void {
        global $DB;
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        $cms = $DB->get_records_menu('course_modules', ['course' => $course->id], '', 'idnumber, id');
        set_coursemodule_visible($cms[self::PREFIX . 'p1'], 0);
        course_delete_module($cms[self::PREFIX . 'p2']);
        $page = $DB->get_field('course_modules', 'instance', ['id' => $cms[self::PREFIX . 'p3']]);
        $DB->set_field('page', 'content', '<p>edited</p>', ['id' => $page]);
        rebuild_course_cache($course->id);
        $report = $this->report($course->id);
        $states = array_column($report['resources'], 'state', 'resource_id');
        $reasons = array_column($report['resources'], 'reason', 'resource_id');
        $this->assertSame(
            ['p1' => 'hidden', 'p2' => 'missing', 'p3' => 'outdated', 'p4' => 'online', 'p5' => 'planned'],
            $states
        );
        $this->assertSame(['hidden', 'not-in-course', 'content-differs'], [$reasons['p1'], $reasons['p2'], $reasons['p3']]);
        $this->assertSame([1, 0.2, false, 'below'], [$report['online'], $report['ratio'], $report['meets_target'],
            $report['status']]);
        $this->assertSame(['1.1.1', '1.1.2', '1.2.1', '2.1.1'], array_column($report['uncovered'], 'code'));
    }

    public function test_a_hidden_section_and_stealth(): void {
        global $DB;
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        set_section_visible($course->id, 2, 0);
        $cms = $DB->get_records_menu('course_modules', ['course' => $course->id], '', 'idnumber, id');
        $DB->set_field('course_modules', 'visibleoncoursepage', 0, ['id' => $cms[self::PREFIX . 'p1']]);
        $reasons = array_column($this->report($course->id)['resources'], 'reason', 'resource_id');
        $this->assertSame(['stealth', '', 'section-hidden', 'section-hidden', 'status-planned'], array_values($reasons));
    }

    public function test_category_figures_match_the_course_report(): void {
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        $all = calculator::for_courses([$course->id]);
        $this->assertSame($this->report($course->id)['counts'], $all[$course->id]['counts']);
        $this->assertSame([], $all[$course->id]['resources']);
    }

    public function test_a_new_plan_replaces_the_old_and_deleting_the_course_drops_it(): void {
        global $DB;
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        $this->assertSame(5, $DB->count_records(plan_store::RESOURCES, ['courseid' => $course->id]));
        set_course_plan::execute($course->id, ['fingerprint' => str_repeat('b', 40), 'pack_id' => 'rpt',
            'prefix' => self::PREFIX, 'target' => 1, 'resources' => [], 'requirements' => []]);
        $this->assertSame(0, $DB->count_records(plan_store::RESOURCES, ['courseid' => $course->id]));
        $this->assertSame(str_repeat('b', 40), plan_store::fingerprint($course->id));
        $this->assertSame([0, 1.0, true], [$this->report($course->id)['planned'], $this->report($course->id)['ratio'],
            $this->report($course->id)['meets_target']]);
        delete_course($course, false);
        $this->assertFalse($DB->record_exists(plan_store::PLAN, ['courseid' => $course->id]));
    }

    public function test_no_plan_and_no_capability(): void {
        $this->resetAfterTest();
        $course = $this->course_with_plan();
        $other = $this->getDataGenerator()->create_course();
        try {
            get_report::execute($other->id);
            $this->fail('a course without a plan has no report');
        } catch (\moodle_exception $e) {
            $this->assertSame('certbridge_noplan', $e->errorcode);
        }
        $student = $this->getDataGenerator()->create_and_enrol($course, 'student');
        $this->setUser($student);
        $this->expectException(\required_capability_exception::class);
        get_report::execute($course->id);
    }

    public function test_category_report_below_target_first_subcategories_and_certificate_view(): void {
        global $DB;
        $this->resetAfterTest();
        $college = $this->getDataGenerator()->create_category(['name' => '信息工程学院']);
        $programme = $this->getDataGenerator()->create_category(['name' => '软件技术', 'parent' => $college->id]);
        $good = $this->course_with_plan($programme->id);
        $bad = $this->course_with_plan($college->id);
        // A course elsewhere: not in the college's report.
        $this->course_with_plan();
        $cms = $DB->get_records_menu('course_modules', ['course' => $bad->id], '', 'idnumber, id');
        foreach (['p1', 'p2', 'p3'] as $id) {
            set_coursemodule_visible($cms[self::PREFIX . $id], 0);
        }
        $report = category_report::build($college->id);
        $this->assertSame([(int) $bad->id, (int) $good->id], array_map(fn($row) => $row->id, $report->courses));
        $this->assertSame([false, true], array_map(fn($row) => $row->meets, $report->courses));
        $totals = ['courses' => 2, 'meets' => 1, 'below' => 1, 'planned' => 10, 'online' => 5, 'ratio' => 0.5];
        $this->assertSame($totals, $report->totals);
        // Certificate view: what either course has online covers the level; 2.1.1 nobody serves.
        $certificates = array_map(
            fn($c) => [$c['name'], $c['level'], $c['courses'], $c['requirements'], $c['covered']],
            $report->certificates
        );
        $this->assertSame([['Web前端开发', '初级', 2, 4, 3]], $certificates);
        $this->assertSame(['2.1.1'], array_map(fn($req) => $req->code, $report->certificates[0]['uncovered']));
        // Someone without the capability sees no course.
        $this->setUser($this->getDataGenerator()->create_user());
        $this->assertSame([], category_report::build($college->id)->courses);
    }

    public function test_cached_figures_follow_every_change_moodle_makes_to_the_course(): void {
        global $DB;
        $this->resetAfterTest();
        $category = $this->getDataGenerator()->create_category();
        $course = $this->course_with_plan($category->id);
        (new \local_certbridge\task\warm_report_cache())->execute();
        $this->assertSame(4, category_report::build($category->id)->courses[0]->online);
        $cms = $DB->get_records_menu('course_modules', ['course' => $course->id], '', 'idnumber, id');
        set_coursemodule_visible($cms[self::PREFIX . 'p4'], 0);
        $this->assertSame(3, category_report::build($category->id)->courses[0]->online);
        set_section_visible($course->id, 2, 0);
        $this->assertSame(2, category_report::build($category->id)->courses[0]->online);
    }
}
