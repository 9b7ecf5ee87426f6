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

/**
 * Benchmark of the plugin's reports inside a real Moodle (run by hand, on a test site):
 * the category page for 1,000 courses x 200 resources rendered server-side (target <= 2 s)
 * and local_certbridge_get_report for one 200-resource course (target <= 100 ms). The page is
 * timed cold (no course's figures cached) and warm (as after the warm_report_cache task).
 *
 *     php scripts/bench_plugin_report.php --config=/path/to/moodle/config.php [--courses=1000]
 *         [--resources=200] [--runs=5]
 *
 * The first run fills a category "certbridge bench" with the courses (create_course), their
 * modules (pages, URLs, labels with real content, a share hidden or changed), sections and
 * plans; later runs reuse it. It needs local_certbridge installed and writes to that site.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

$options = ['config' => '', 'courses' => 1000, 'resources' => 200, 'runs' => 5];
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--(\w+)=(.*)$/', $arg, $m) && array_key_exists($m[1], $options)) {
        $options[$m[1]] = $m[2];
    }
}
if (!$options['config'] || !is_file($options['config'])) {
    fwrite(STDERR, "Give the site's config.php: --config=/path/to/moodle/config.php\n");
    exit(2);
}
require($options['config']);
require_once($CFG->dirroot . '/course/lib.php');

use local_certbridge\external\get_report;
use local_certbridge\output\category_page;
use local_certbridge\report\category_report;
use local_certbridge\report\plan_store;

\core\session\manager::set_user(get_admin());
$ncourses = (int) $options['courses'];
$nres = (int) $options['resources'];

/**
 * Fill the bench category up to $ncourses courses of $nres resources each.
 *
 * @param int $ncourses
 * @param int $nres
 * @return int the category id
 */
function bench_setup(int $ncourses, int $nres): int {
    global $DB;
    $category = $DB->get_record('course_categories', ['idnumber' => "certbridge-bench-$nres"]);
    if (!$category) {
        $category = core_course_category::create(['name' => "certbridge bench ($nres resources)",
            'idnumber' => "certbridge-bench-$nres", 'visible' => 0]);
    }
    $have = $DB->count_records('course', ['category' => $category->id]);
    $moduleids = $DB->get_records_menu('modules', null, '', 'name, id');
    $requirements = [];
    for ($i = 0; $i < 30; $i++) {
        $code = sprintf('%d.%d.%d', intdiv($i, 10) + 1, intdiv($i % 10, 3) + 1, $i % 3 + 1);
        $requirements[] = ['code' => $code, 'text' => "能完成职业技能要求 $code 描述的工作任务。",
            'area_code' => (string) (intdiv($i, 10) + 1), 'area' => '工作领域 ' . (intdiv($i, 10) + 1),
            'task_code' => substr($code, 0, 3), 'task' => '工作任务 ' . substr($code, 0, 3)];
    }
    for ($c = $have; $c < $ncourses; $c++) {
        $course = create_course((object) ['category' => $category->id, 'fullname' => "基准课程 $c",
            'shortname' => sprintf('BENCH%d-%04d', $nres, $c), 'numsections' => 4, 'format' => 'topics']);
        $sections = $DB->get_records_menu('course_sections', ['course' => $course->id], 'section', 'section, id');
        $prefix = "certbridge:bench$nres-$c:";
        $resources = [];
        $sequence = [];
        $transaction = $DB->start_delegated_transaction();
        for ($r = 0; $r < $nres; $r++) {
            $kind = ['page', 'page', 'page', 'url', 'label'][$r % 5];
            $planned = $r % 10 === 9;
            $section = 1 + $r % 4;
            $text = str_repeat("<p>第 $r 个资源的内容 Resource $r of course $c.</p>", 20);
            $fingerprint = sha1($kind === 'url' ? "https://example.edu.cn/$c/$r" : $text);
            $resources[] = ['resource_id' => "r$r", 'name' => "资源 $r", 'type' => $kind, 'modname' => $kind,
                'section' => $section, 'status' => $planned ? 'planned' : 'ready', 'visible' => 1,
                'skills' => $requirements[$r % 30]['code'], 'fingerprint' => $planned ? '' : $fingerprint];
            if ($planned) {
                continue;
            }
            $now = time();
            // A share changed by hand (outdated) so fingerprints really are compared.
            $stored = $r % 7 === 3 ? $text . '<p>edited</p>' : $text;
            $instance = match ($kind) {
                'page' => $DB->insert_record('page', (object) ['course' => $course->id, 'name' => "资源 $r",
                    'intro' => '', 'content' => $stored, 'contentformat' => FORMAT_HTML, 'timemodified' => $now]),
                'url' => $DB->insert_record('url', (object) ['course' => $course->id, 'name' => "资源 $r",
                    'intro' => '', 'externalurl' => "https://example.edu.cn/$c/$r", 'timemodified' => $now]),
                'label' => $DB->insert_record('label', (object) ['course' => $course->id, 'name' => "资源 $r",
                    'intro' => $stored, 'introformat' => FORMAT_HTML, 'timemodified' => $now]),
            };
            $cmid = $DB->insert_record('course_modules', (object) ['course' => $course->id,
                'module' => $moduleids[$kind], 'instance' => $instance, 'section' => $sections[$section],
                'idnumber' => $prefix . "r$r", 'added' => $now, 'visible' => $r % 11 === 5 ? 0 : 1,
                'visibleoncoursepage' => 1, 'visibleold' => 1]);
            $sequence[$section][] = $cmid;
        }
        foreach ($sequence as $section => $cmids) {
            $DB->set_field('course_sections', 'sequence', implode(',', $cmids), ['id' => $sections[$section]]);
        }
        $plan = ['fingerprint' => sha1("bench-$c"), 'pack_id' => "bench-$c", 'pack_version' => '1.0.0',
            'pack_title' => "基准资源包 $c", 'prefix' => $prefix, 'target' => 0.5,
            'certificate' => ['name' => 'Web前端开发', 'issuer' => '教育部', 'level' => ['初级', '中级'][$c % 2],
                'standard' => 'web-frontend', 'standard_version' => '2021'],
            'resources' => $resources, 'requirements' => $requirements];
        plan_store::save((int) $course->id, $plan);
        $transaction->allow_commit();
        rebuild_course_cache($course->id, true);
        if ($c % 50 === 49) {
            mtrace("  " . ($c + 1) . " courses ready");
        }
    }
    return (int) $category->id;
}

/**
 * Median of a list of seconds.
 *
 * @param float[] $times
 * @return float
 */
function bench_median(array $times): float {
    sort($times);
    return $times[intdiv(count($times), 2)];
}

$started = microtime(true);
$categoryid = bench_setup($ncourses, $nres);
mtrace(sprintf('setup: %.1f s (category %d)', microtime(true) - $started, $categoryid));

$PAGE->set_url(new moodle_url('/local/certbridge/category.php', ['id' => $categoryid]));
$PAGE->set_context(context_coursecat::instance($categoryid));
$renderer = $PAGE->get_renderer('local_certbridge');
// Cold: no course's figures cached (after a cache purge, or the first view after every
// course changed). Warm: what coordinators get once the warm_report_cache task has run.
cache::make('local_certbridge', 'coursefigures')->purge();
$times = [];
for ($i = 0; $i <= (int) $options['runs']; $i++) {
    $t = microtime(true);
    $report = category_report::build($categoryid);
    $html = $renderer->render(new category_page($report, 'certbridge bench', $PAGE->url));
    $times[] = microtime(true) - $t;
}
$cold = array_shift($times);
mtrace(sprintf('category page, %d courses x %d resources: cold %.3f s, warm median %.3f s (%d bytes of HTML, '
    . '%.0f MB peak memory)', count($report->courses), $nres, $cold, bench_median($times), strlen($html),
    memory_get_peak_usage(true) / 1048576));

$courseid = (int) $DB->get_field('course', 'id', ['shortname' => sprintf('BENCH%d-0000', $nres)]);
$times = [];
for ($i = 0; $i < 20; $i++) {
    $t = microtime(true);
    $result = \core_external\external_api::clean_returnvalue(get_report::execute_returns(), get_report::execute($courseid));
    $times[] = microtime(true) - $t;
}
mtrace(sprintf('get_report, %d resources: first %.1f ms, median %.1f ms (%d online, %d outdated, %d hidden, '
    . '%d planned)', $result['planned'], $times[0] * 1000, bench_median($times) * 1000, $result['counts']['online'],
    $result['counts']['outdated'], $result['counts']['hidden'], $result['counts']['planned']));
