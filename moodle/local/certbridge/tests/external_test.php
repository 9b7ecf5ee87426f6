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
use local_certbridge\external\delete_module;
use local_certbridge\external\ensure_sections;
use local_certbridge\external\export_module;
use local_certbridge\external\get_info;
use local_certbridge\external\get_modules;
use local_certbridge\external\import_questions;
use local_certbridge\external\upsert_module;
use local_certbridge\external\upsert_modules;

/**
 * Tests of the web-service functions of local_certbridge (docs/plugin-api.md).
 *
 * @package    local_certbridge
 * @category   test
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_certbridge\external\get_info
 * @covers     \local_certbridge\external\ensure_sections
 * @covers     \local_certbridge\external\upsert_module
 * @covers     \local_certbridge\external\upsert_modules
 * @covers     \local_certbridge\module_writer
 * @covers     \local_certbridge\course_lock
 * @covers     \local_certbridge\external\import_questions
 * @covers     \local_certbridge\external\get_modules
 * @covers     \local_certbridge\external\delete_module
 * @covers     \local_certbridge\external\export_module
 */
final class external_test extends \advanced_testcase {
    /** @var string idnumber prefix used by these tests */
    public const PREFIX = 'certbridge:test:';

    /** @var string a small valid Moodle XML file with two questions worth 1 + 2 marks */
    public const QUIZ_XML = '<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text>HTML is a markup language.</text></questiontext>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>SA</text></name>
    <questiontext format="html"><text>Tag for a line break?</text></questiontext>
    <defaultgrade>2</defaultgrade>
    <answer fraction="100"><text>br</text></answer>
  </question>
</quiz>';

    /**
     * Call an external function as the web-service layer does and clean its result.
     *
     * @param string $class external class name
     * @param array $args named arguments
     * @return array
     */
    private function call(string $class, array $args = []): array {
        $result = $class::execute(...$args);
        return external_api::clean_returnvalue($class::execute_returns(), $result);
    }

    /**
     * A file in the current user's draft area.
     *
     * @param string $filename
     * @param string $content
     * @return int draft item id
     */
    private function draft(string $filename, string $content): int {
        global $USER;
        $itemid = file_get_unused_draft_itemid();
        get_file_storage()->create_file_from_string(['contextid' => \context_user::instance($USER->id)->id,
            'component' => 'user', 'filearea' => 'draft', 'itemid' => $itemid, 'filepath' => '/',
            'filename' => $filename], $content);
        return $itemid;
    }

    /**
     * Upsert with the defaults of the API.
     *
     * @param int $courseid
     * @param string $key idnumber without prefix
     * @param string $modname
     * @param array $more other parameters
     * @return array
     */
    private function upsert(int $courseid, string $key, string $modname, array $more = []): array {
        // The other parameters override these defaults (array_merge: later keys win).
        return $this->call(upsert_module::class, array_merge(['courseid' => $courseid, 'idnumber' => self::PREFIX . $key,
            'modname' => $modname, 'section' => 1, 'name' => "Activity $key"], $more));
    }

    /**
     * Import a Moodle XML text into a quiz through the web-service function.
     *
     * @param int $cmid
     * @param string $xml
     * @return array
     */
    private function import(int $cmid, string $xml): array {
        return $this->call(import_questions::class, ['cmid' => $cmid, 'filename' => 'q.xml',
            'draftitemid' => $this->draft('q.xml', $xml)]);
    }

    /**
     * Modules of the course inside the test prefix, by idnumber.
     *
     * @param int $courseid
     * @return array
     */
    private function modules(int $courseid): array {
        $result = $this->call(get_modules::class, ['courseid' => $courseid, 'prefix' => self::PREFIX]);
        return array_column($result['modules'], null, 'idnumber');
    }

    /**
     * An editing teacher of a new course who also holds local/certbridge:sync there.
     *
     * @return array [course, teacher, course context]
     */
    private function sync_teacher(): array {
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $teacher = $this->getDataGenerator()->create_and_enrol($course, 'editingteacher');
        $context = \context_course::instance($course->id);
        $roleid = $this->getDataGenerator()->create_role();
        assign_capability('local/certbridge:sync', CAP_ALLOW, $roleid, $context->id);
        role_assign($roleid, $teacher->id, $context->id);
        return [$course, $teacher, $context];
    }

    /**
     * Prohibit a capability for editing teachers in a context (a role override).
     *
     * @param string $capability
     * @param \context $context
     */
    private function prohibit(string $capability, \context $context): void {
        global $DB;
        $roleid = $DB->get_field('role', 'id', ['shortname' => 'editingteacher'], MUST_EXIST);
        assign_capability($capability, CAP_PROHIBIT, $roleid, $context->id, true);
        accesslib_clear_all_caches_for_unit_testing();
    }

    public function test_get_info_reports_versions_and_types(): void {
        global $CFG;
        $this->resetAfterTest();
        $this->setAdminUser();
        $info = $this->call(get_info::class);
        $this->assertSame('local_certbridge', $info['component']);
        $this->assertSame(2026113005, $info['plugin_version']);
        $this->assertSame(2, $info['api_version']);
        $this->assertSame((int) $CFG->version, $info['moodle_version']);
        $this->assertSame(['label', 'page', 'quiz', 'resource', 'url'], $info['modtypes']);
        $this->assertContains('multichoice', $info['qtypes']);
    }

    public function test_get_info_needs_the_capability(): void {
        $this->resetAfterTest();
        $this->setUser($this->getDataGenerator()->create_user());
        $this->expectException(\required_capability_exception::class);
        get_info::execute();
    }

    public function test_ensure_sections_creates_and_renames_without_deleting(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $result = $this->call(ensure_sections::class, ['courseid' => $course->id,
            'sections' => [['number' => 1, 'name' => 'HTML 基础'], ['number' => 3, 'name' => 'CSS']]]);
        $this->assertSame(2, $result['created']);
        $this->assertSame(2, $result['renamed']);
        $this->assertSame([0, 1, 2, 3], array_column($result['sections'], 'number'));
        $this->assertSame('HTML 基础', $result['sections'][1]['name']);

        // Again with fewer sections: nothing created, renamed or deleted.
        $again = $this->call(ensure_sections::class, ['courseid' => $course->id,
            'sections' => [['number' => 1, 'name' => 'HTML 基础']]]);
        $this->assertSame([0, 0, 4], [$again['created'], $again['renamed'], count($again['sections'])]);
    }

    public function test_upsert_creates_each_type_with_the_predicted_fingerprint(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 2]);
        $page = $this->upsert($course->id, 'page', 'page', ['content' => '<p>你好</p>']);
        $url = $this->upsert($course->id, 'url', 'url', ['externalurl' => 'https://example.com/a']);
        $label = $this->upsert($course->id, 'label', 'label', ['intro' => '<p>Note</p>']);
        $resource = $this->upsert(
            $course->id,
            'res',
            'resource',
            ['draftitemid' => $this->draft('a.txt', 'file bytes'), 'filename' => 'a.txt']
        );
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');

        $this->assertTrue($page['created']);
        $this->assertSame(sha1('<p>你好</p>'), $page['fingerprint']);
        $this->assertSame(sha1('https://example.com/a'), $url['fingerprint']);
        $this->assertSame(sha1('<p>Note</p>'), $label['fingerprint']);
        $this->assertSame(sha1('file bytes'), $resource['fingerprint']);
        $this->assertSame('', $quiz['fingerprint']);

        $modules = $this->modules($course->id);
        $this->assertCount(5, $modules);
        $this->assertSame($page['cmid'], $modules[self::PREFIX . 'page']['cmid']);
        $this->assertSame('Activity page', $modules[self::PREFIX . 'page']['name']);
        $this->assertSame(1, $modules[self::PREFIX . 'page']['section']);
    }

    public function test_upsert_updates_in_place_moves_and_hides(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 2]);
        $first = $this->upsert($course->id, 'page', 'page', ['content' => 'v1']);
        $this->upsert($course->id, 'other', 'page', ['content' => 'x']);
        $second = $this->upsert(
            $course->id,
            'page',
            'page',
            ['content' => 'v2', 'name' => 'Renamed', 'section' => 2, 'visible' => 0]
        );

        $this->assertFalse($second['created']);
        $this->assertSame($first['cmid'], $second['cmid']);
        $this->assertSame(sha1('v2'), $second['fingerprint']);
        $module = $this->modules($course->id)[self::PREFIX . 'page'];
        $this->assertSame(['Renamed', 2, 0], [$module['name'], $module['section'], $module['visible']]);

        // Position 0 puts it first in its section.
        $this->upsert($course->id, 'other', 'page', ['content' => 'x', 'section' => 2, 'position' => 0]);
        $modules = $this->modules($course->id);
        $this->assertSame(0, $modules[self::PREFIX . 'other']['position']);
        $this->assertSame(1, $modules[self::PREFIX . 'page']['position']);
    }

    public function test_upsert_resource_keeps_or_replaces_its_file(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        // A draft item holding two files: only the named one goes into the resource.
        $draft = $this->draft('a.txt', 'one');
        get_file_storage()->create_file_from_string(['contextid' => \context_user::instance($GLOBALS['USER']->id)->id,
            'component' => 'user', 'filearea' => 'draft', 'itemid' => $draft, 'filepath' => '/',
            'filename' => 'b.txt'], 'two');
        $this->upsert($course->id, 'res', 'resource', ['draftitemid' => $draft, 'filename' => 'b.txt']);
        $kept = $this->upsert($course->id, 'res', 'resource', ['name' => 'Renamed']);
        $this->assertSame(sha1('two'), $kept['fingerprint']);
        $replaced = $this->upsert(
            $course->id,
            'res',
            'resource',
            ['draftitemid' => $this->draft('c.txt', 'three'), 'filename' => 'c.txt']
        );
        $this->assertSame(sha1('three'), $replaced['fingerprint']);
        $context = \context_module::instance($replaced['cmid']);
        $this->assertCount(1, get_file_storage()->get_area_files($context->id, 'mod_resource', 'content', 0, 'id', false));
    }

    public function test_upsert_refuses_bad_input(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        foreach ([['x', 'folder', []], ['y', 'resource', []]] as [$key, $modname, $more]) {
            try {
                $this->upsert($course->id, $key, $modname, $more);
                $this->fail("$modname accepted");
            } catch (\invalid_parameter_exception $e) {
                $this->assertSame('invalidparameter', $e->errorcode);
            }
        }
        try {
            $this->upsert($course->id, 'z', 'resource', ['draftitemid' => $this->draft('a.txt', 'a'), 'filename' => 'b.txt']);
            $this->fail('missing draft file accepted');
        } catch (\moodle_exception $e) {
            $this->assertSame('certbridge_notindraft', $e->errorcode);
        }
        $this->assertSame([], $this->modules($course->id));
    }

    public function test_upsert_needs_the_plugin_capability_in_the_course(): void {
        $this->resetAfterTest();
        $course = $this->getDataGenerator()->create_course();
        $teacher = $this->getDataGenerator()->create_and_enrol($course, 'editingteacher');
        $this->setUser($teacher);
        $this->expectException(\required_capability_exception::class);
        $this->upsert($course->id, 'page', 'page');
    }

    public function test_upsert_hides_or_shows_only_with_the_visibility_capability(): void {
        $this->resetAfterTest();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $teacher = $this->getDataGenerator()->create_and_enrol($course, 'editingteacher');
        $roleid = $this->getDataGenerator()->create_role();
        $context = \context_course::instance($course->id);
        assign_capability('local/certbridge:sync', CAP_ALLOW, $roleid, $context->id);
        assign_capability('moodle/course:activityvisibility', CAP_PROHIBIT, $roleid, $context->id);
        role_assign($roleid, $teacher->id, $context->id);
        $this->setUser($teacher);
        // Visible, as created by default.
        $this->upsert($course->id, 'page', 'page', ['content' => '<p>a</p>']);
        try {
            $this->upsert($course->id, 'page', 'page', ['content' => '<p>a</p>', 'visible' => 0]);
            $this->fail('hid a module without moodle/course:activityvisibility');
        } catch (\required_capability_exception $e) {
            $this->assertSame(1, $this->modules($course->id)[self::PREFIX . 'page']['visible']);
        }
        $this->expectException(\required_capability_exception::class);
        $this->upsert($course->id, 'hidden', 'page', ['content' => '<p>b</p>', 'visible' => 0]);
    }

    public function test_import_questions_replaces_the_previous_import(): void {
        global $DB;
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $first = $this->import($quiz['cmid'], self::QUIZ_XML);
        $this->assertSame(2, $first['questioncount']);
        $this->assertEquals(3.0, $first['sumgrades']);
        $this->assertSame(sha1(self::QUIZ_XML), $first['fingerprint']);

        $questions = $DB->count_records('question');
        $second = $this->import($quiz['cmid'], self::QUIZ_XML);
        $this->assertSame(2, $second['questioncount']);
        $this->assertSame($questions, $DB->count_records('question'));
        $this->assertSame(2, $DB->count_records('quiz_slots', ['quizid' => $quiz['instance']]));
        $this->assertSame(sha1(self::QUIZ_XML), $this->modules($course->id)[self::PREFIX . 'quiz']['fingerprint']);
    }

    public function test_import_questions_refuses_a_bad_file_and_keeps_the_quiz(): void {
        global $DB;
        $this->resetAfterTest();
        // The test must see the import's own rollback: no outer test transaction.
        $this->preventResetByRollback();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $this->import($quiz['cmid'], self::QUIZ_XML);
        try {
            $this->import($quiz['cmid'], 'not xml');
            $this->fail('bad file accepted');
        } catch (\moodle_exception $e) {
            $this->assertSame('certbridge_importfailed', $e->errorcode);
        }
        $this->assertSame(2, $DB->count_records('quiz_slots', ['quizid' => $quiz['instance']]));
    }

    public function test_get_modules_needs_a_prefix_and_skips_others(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $this->upsert($course->id, 'page', 'page');
        $this->getDataGenerator()->create_module('page', ['course' => $course->id, 'idnumber' => 'manual']);
        $this->assertSame([self::PREFIX . 'page'], array_keys($this->modules($course->id)));
        $this->expectException(\invalid_parameter_exception::class);
        get_modules::execute($course->id, '');
    }

    public function test_delete_module_only_inside_the_prefix(): void {
        global $DB;
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $this->import($quiz['cmid'], self::QUIZ_XML);
        $args = ['courseid' => $course->id, 'idnumber' => self::PREFIX . 'quiz', 'prefix' => self::PREFIX];
        $this->assertSame(['deleted' => true, 'cmid' => $quiz['cmid']], $this->call(delete_module::class, $args));
        $this->assertSame(['deleted' => false, 'cmid' => 0], $this->call(delete_module::class, $args));
        $this->assertFalse($DB->record_exists('local_certbridge_quiz', ['cmid' => $quiz['cmid']]));
        $this->expectException(\invalid_parameter_exception::class);
        delete_module::execute($course->id, 'other:quiz', self::PREFIX);
    }

    public function test_ensure_sections_needs_course_update_as_core(): void {
        $this->resetAfterTest();
        [$course, $teacher, $context] = $this->sync_teacher();
        $this->setUser($teacher);
        $args = ['courseid' => $course->id, 'sections' => [['number' => 2, 'name' => 'CSS']]];
        $this->assertSame(1, $this->call(ensure_sections::class, $args)['created']);
        // Manageactivities alone is not enough: core adds and renames sections with course:update.
        $this->prohibit('moodle/course:update', $context);
        $this->setUser($teacher);
        $this->assertTrue(has_capability('moodle/course:manageactivities', $context));
        $this->expectException(\required_capability_exception::class);
        $this->call(ensure_sections::class, ['courseid' => $course->id, 'sections' => [['number' => 3, 'name' => 'JS']]]);
    }

    public function test_upsert_updates_a_module_only_with_manageactivities_in_its_context(): void {
        $this->resetAfterTest();
        [$course, $teacher] = $this->sync_teacher();
        $this->setUser($teacher);
        $page = $this->upsert($course->id, 'page', 'page', ['content' => '<p>a</p>']);
        $this->prohibit('moodle/course:manageactivities', \context_module::instance($page['cmid']));
        $this->setUser($teacher);
        try {
            $this->upsert($course->id, 'page', 'page', ['content' => '<p>changed</p>']);
            $this->fail('updated a module whose context prohibits managing it');
        } catch (\required_capability_exception $e) {
            $this->assertSame(sha1('<p>a</p>'), $this->modules($course->id)[self::PREFIX . 'page']['fingerprint']);
        }
    }

    public function test_import_questions_needs_quiz_manage_in_the_quiz(): void {
        global $DB;
        $this->resetAfterTest();
        [$course, $teacher] = $this->sync_teacher();
        $this->setUser($teacher);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $this->prohibit('mod/quiz:manage', \context_module::instance($quiz['cmid']));
        $this->setUser($teacher);
        try {
            $this->import($quiz['cmid'], self::QUIZ_XML);
            $this->fail('imported into a quiz whose context prohibits mod/quiz:manage');
        } catch (\required_capability_exception $e) {
            $this->assertSame(0, $DB->count_records('quiz_slots', ['quizid' => $quiz['instance']]));
        }
    }

    public function test_import_questions_deletes_others_versions_only_with_question_capability(): void {
        global $DB;
        $this->resetAfterTest();
        [$course, $teacher] = $this->sync_teacher();
        $this->setUser($teacher);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $this->import($quiz['cmid'], self::QUIZ_XML);
        $imported = explode(',', $DB->get_field('local_certbridge_quiz', 'questionids', ['cmid' => $quiz['cmid']]));

        // Someone else edits an imported question in Moodle: a new version of its bank entry.
        $this->setAdminUser();
        $generator = $this->getDataGenerator()->get_plugin_generator('core_question');
        $edited = $generator->update_question(
            \question_bank::load_question_data((int) $imported[0]),
            null,
            ['name' => 'Edited by the admin']
        );
        $questions = $DB->count_records('question');

        // Without moodle/question:editall the teacher may delete only their own versions.
        $this->prohibit('moodle/question:editall', \context_module::instance($quiz['cmid']));
        $this->setUser($teacher);
        try {
            $this->import($quiz['cmid'], self::QUIZ_XML);
            $this->fail("deleted a question version someone else made without moodle/question:editall");
        } catch (\moodle_exception $e) {
            // What question_require_capability_on() throws (the web service answers nopermissions).
            $this->assertSame('nopermissions', $e->errorcode);
            $this->assertTrue($DB->record_exists('question', ['id' => $edited->id]));
            $this->assertSame($questions, $DB->count_records('question'));
            $this->assertSame(2, $DB->count_records('quiz_slots', ['quizid' => $quiz['instance']]));
        }
    }

    public function test_delete_module_checks_each_module_context(): void {
        $this->resetAfterTest();
        [$course, $teacher] = $this->sync_teacher();
        $this->setUser($teacher);
        $page = $this->upsert($course->id, 'page', 'page');
        $this->prohibit('moodle/course:manageactivities', \context_module::instance($page['cmid']));
        $this->setUser($teacher);
        try {
            delete_module::execute($course->id, self::PREFIX . 'page', self::PREFIX);
            $this->fail('deleted a module whose context prohibits managing it');
        } catch (\required_capability_exception $e) {
            $this->assertArrayHasKey(self::PREFIX . 'page', $this->modules($course->id));
        }
    }

    public function test_upsert_modules_writes_in_order_and_reports_each_module(): void {
        global $DB;
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $modules = [
            ['idnumber' => self::PREFIX . 'a', 'modname' => 'page', 'section' => 1, 'name' => 'A', 'content' => '<p>a</p>'],
            // A new resource without its file: refused, and only this one.
            ['idnumber' => self::PREFIX . 'bad', 'modname' => 'resource', 'section' => 1, 'name' => 'Bad'],
            ['idnumber' => self::PREFIX . 'b', 'modname' => 'url', 'section' => 1, 'name' => 'B',
                'externalurl' => 'https://example.com/b', 'position' => 0],
            ['idnumber' => self::PREFIX . 'c', 'modname' => 'label', 'section' => 2, 'name' => '', 'intro' => '<p>c</p>'],
        ];
        $cms = $DB->count_records('course_modules', ['course' => $course->id]);
        $result = $this->call(upsert_modules::class, ['courseid' => $course->id, 'modules' => $modules]);
        $this->assertSame([true, false, true, true], array_column($result['results'], 'ok'));
        $this->assertSame(array_column($modules, 'idnumber'), array_column($result['results'], 'idnumber'));
        $this->assertSame('invalidparameter', $result['results'][1]['errorcode']);
        $this->assertSame(0, $result['results'][1]['cmid']);
        $this->assertSame($cms + 3, $DB->count_records('course_modules', ['course' => $course->id]));
        $listed = $this->modules($course->id);
        $this->assertSame([0, 1], [$listed[self::PREFIX . 'b']['position'], $listed[self::PREFIX . 'a']['position']]);
        $this->assertSame(2, $listed[self::PREFIX . 'c']['section']);
        $this->assertSame(sha1('<p>a</p>'), $listed[self::PREFIX . 'a']['fingerprint']);

        // Again: the same modules are updated in place, none created.
        $again = $this->call(upsert_modules::class, ['courseid' => $course->id, 'modules' => [$modules[0], $modules[2]]]);
        $this->assertSame([false, false], array_column($again['results'], 'created'));
        $this->assertSame($cms + 3, $DB->count_records('course_modules', ['course' => $course->id]));
    }

    public function test_upsert_modules_takes_at_most_its_limit(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $modules = [];
        for ($i = 0; $i <= upsert_modules::MAX_MODULES; $i++) {
            $modules[] = ['idnumber' => self::PREFIX . $i, 'modname' => 'label', 'section' => 1, 'name' => ''];
        }
        $this->expectException(\invalid_parameter_exception::class);
        upsert_modules::execute($course->id, $modules);
    }

    public function test_the_course_lock_is_released_after_a_failed_write(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        try {
            $this->upsert($course->id, 'bad', 'resource');
            $this->fail('a new resource without its file was accepted');
        } catch (\invalid_parameter_exception $e) {
            $lock = \core\lock\lock_config::get_lock_factory('local_certbridge')->get_lock('course_' . $course->id, 0);
            $this->assertNotFalse($lock, 'the course lock was kept after the write failed');
            $lock->release();
        }
    }

    public function test_export_module_returns_each_kind_as_stored(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $page = $this->upsert($course->id, 'page', 'page', ['content' => "<p>你好</p>\n", 'intro' => '<p>Intro</p>']);
        $url = $this->upsert($course->id, 'url', 'url', ['externalurl' => 'https://example.com/a']);
        $label = $this->upsert($course->id, 'label', 'label', ['intro' => '<p>Note</p>']);
        $resource = $this->upsert(
            $course->id,
            'res',
            'resource',
            ['draftitemid' => $this->draft('a.bin', "\x00\xffbytes"), 'filename' => 'a.bin']
        );
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $this->import($quiz['cmid'], self::QUIZ_XML);

        $exported = $this->call(export_module::class, ['cmid' => $page['cmid']]);
        $this->assertSame("<p>你好</p>\n", $exported['content']);
        $this->assertSame('<p>Intro</p>', $exported['intro']);
        $this->assertSame(self::PREFIX . 'page', $exported['idnumber']);
        $this->assertSame($page['fingerprint'], $exported['fingerprint']);
        $this->assertGreaterThan(0, $exported['timemodified']);
        $this->assertSame('https://example.com/a', $this->call(export_module::class, ['cmid' => $url['cmid']])['externalurl']);
        $this->assertSame('<p>Note</p>', $this->call(export_module::class, ['cmid' => $label['cmid']])['intro']);

        $file = $this->call(export_module::class, ['cmid' => $resource['cmid']]);
        $this->assertSame(['a.bin', 7, sha1("\x00\xffbytes")], [$file['filename'], $file['filesize'], $file['contenthash']]);
        $this->assertStringContainsString('/webservice/pluginfile.php/', $file['fileurl']);
        $this->assertStringNotContainsString('token', $file['fileurl']);

        $questions = $this->call(export_module::class, ['cmid' => $quiz['cmid']]);
        $this->assertSame(2, $questions['questioncount']);
        $xml = new \SimpleXMLElement($questions['questionsxml']);
        $this->assertSame(['TF', 'SA'], array_map(fn($q) => (string) $q->name->text, $xml->xpath('//question')));
    }

    public function test_export_module_of_an_emptied_quiz_is_empty(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $quiz = $this->upsert($course->id, 'quiz', 'quiz');
        $exported = $this->call(export_module::class, ['cmid' => $quiz['cmid']]);
        $this->assertSame(['', 0], [$exported['questionsxml'], $exported['questioncount']]);
    }

    public function test_export_module_needs_the_plugin_capability(): void {
        $this->resetAfterTest();
        $this->setAdminUser();
        $course = $this->getDataGenerator()->create_course(['numsections' => 1]);
        $page = $this->upsert($course->id, 'page', 'page', ['content' => '<p>x</p>']);
        $this->setUser($this->getDataGenerator()->create_and_enrol($course, 'editingteacher'));
        $this->expectException(\required_capability_exception::class);
        export_module::execute($page['cmid']);
    }
}
