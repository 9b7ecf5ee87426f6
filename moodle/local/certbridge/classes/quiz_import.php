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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . '/question/format/xml/format.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');

/**
 * Imports a Moodle XML file into a quiz's own question bank and puts the questions
 * in the quiz, replacing those of the previous import, so that publishing the same
 * quiz again never piles up copies. What each import created is kept in
 * local_certbridge_quiz.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class quiz_import {
    /**
     * Replace the quiz's previously imported questions with those of $file, all or nothing.
     *
     * @param \stdClass $cm course_modules row of the quiz
     * @param \stdClass $course
     * @param \stored_file $file the Moodle XML file
     * @return \stdClass {questioncount: int, sumgrades: float, fingerprint: string}
     * @throws \moodle_exception certbridge_quizhasattempts, certbridge_importfailed
     */
    public static function replace(\stdClass $cm, \stdClass $course, \stored_file $file): \stdClass {
        global $DB;
        $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
        $quiz->cmid = $cm->id;
        if (quiz_has_attempts($quiz->id)) {
            throw new \moodle_exception('certbridge_quizhasattempts', 'local_certbridge', '', format_string($quiz->name));
        }
        $previous = $DB->get_record('local_certbridge_quiz', ['cmid' => $cm->id]);
        $oldids = $previous ? self::parse_ids($previous->questionids) : [];
        // Checked before anything changes: every version to delete, whoever made it.
        $oldversions = self::all_versions($oldids);
        foreach ($oldversions as $questionid) {
            question_require_capability_on($questionid, 'edit');
        }
        $transaction = $DB->start_delegated_transaction();
        try {
            // Teachers' previews hold on to questions; they are throwaway by design.
            quiz_delete_previews($quiz);
            self::remove_questions($quiz, $oldversions);
            $questionids = self::import_file(\context_module::instance($cm->id), $course, $file);
            foreach ($questionids as $questionid) {
                // Putting a question in a quiz needs the right to use it, as on core's quiz edit page.
                question_require_capability_on($questionid, 'use');
            }
            self::add_to_quiz($quiz, $questionids);
            $sumgrades = self::recompute_sumgrades((int) $quiz->id);
            self::remember((int) $cm->id, $file->get_contenthash(), $questionids, $previous ?: null);
            $transaction->allow_commit();
        } catch (\Throwable $e) {
            $transaction->rollback($e);
        }
        return (object) [
            'questioncount' => count($questionids),
            'sumgrades' => $sumgrades,
            'fingerprint' => $file->get_contenthash(),
        ];
    }

    /**
     * Drop the import record of a quiz (called when the module is deleted).
     *
     * @param int $cmid
     */
    public static function forget(int $cmid): void {
        global $DB;
        $DB->delete_records('local_certbridge_quiz', ['cmid' => $cmid]);
    }

    /**
     * Run qformat_xml on the file into the quiz's own default category.
     *
     * @param \context_module $context the quiz's context
     * @param \stdClass $course
     * @param \stored_file $file
     * @return int[] ids of the new questions, in file order
     * @throws \moodle_exception certbridge_importfailed with the importer's message
     */
    private static function import_file(\context_module $context, \stdClass $course, \stored_file $file): array {
        $category = question_get_default_category($context->id, true);
        if (!$category && function_exists('question_make_default_categories')) {
            // Moodle 4.5 creates a module's default category on request only this way.
            $category = question_make_default_categories([$context]);
        }
        $format = new \qformat_xml();
        $format->setCategory($category);
        $format->setContexts([$context]);
        $format->setCourse($course);
        $format->setRealfilename($file->get_filename());
        $format->setMatchgrades('error');
        $format->setCatfromfile(false);
        $format->setContextfromfile(false);
        $format->setStoponerror(true);
        $format->set_display_progress(false);
        $tempfile = $file->copy_content_to_temp('local_certbridge');
        $format->setFilename($tempfile);
        // The importer reports problems by printing them.
        ob_start();
        try {
            $ok = $format->importpreprocess() && $format->importprocess() && $format->importpostprocess();
        } finally {
            $printed = ob_get_clean();
            @unlink($tempfile);
        }
        if (!$ok || empty($format->questionids)) {
            // Keep the importer's words, not the notification's close button.
            $text = str_replace(get_string('dismissnotification'), ' ', html_to_text((string) $printed, 0, false));
            $message = trim(preg_replace('/\s+/u', ' ', $text));
            throw new \moodle_exception(
                'certbridge_importfailed',
                'local_certbridge',
                '',
                $message !== '' ? $message : get_string('noquestionsinfile', 'question')
            );
        }
        return array_map('intval', $format->questionids);
    }

    /**
     * Every version of the given questions' bank entries: someone may have edited an
     * imported question in Moodle, which made a new version of the same entry, and it
     * belongs to the import just as much.
     *
     * @param int[] $questionids
     * @return int[] ids of the questions that still exist, the given ones included
     */
    private static function all_versions(array $questionids): array {
        global $DB;
        if (!$questionids) {
            return [];
        }
        [$insql, $params] = $DB->get_in_or_equal($questionids, SQL_PARAMS_NAMED);
        $allversions = $DB->get_fieldset_sql("
                SELECT DISTINCT qv2.questionid
                  FROM {question_versions} qv
                  JOIN {question_versions} qv2 ON qv2.questionbankentryid = qv.questionbankentryid
                 WHERE qv.questionid $insql", $params);
        // A question deleted by hand meanwhile is simply gone: nothing to check or delete.
        return array_map('intval', $allversions);
    }

    /**
     * Take the given questions out of the quiz and delete them.
     *
     * @param \stdClass $quiz
     * @param int[] $allversions every version of the questions the previous import created,
     *        from all_versions(): the bank entries whose slots go are theirs
     */
    private static function remove_questions(\stdClass $quiz, array $allversions): void {
        global $DB;
        if (!$allversions) {
            return;
        }
        [$insql, $params] = $DB->get_in_or_equal($allversions, SQL_PARAMS_NAMED);
        $params += ['quizid' => $quiz->id, 'component' => 'mod_quiz', 'area' => 'slot'];
        $slots = $DB->get_fieldset_sql("
                SELECT DISTINCT s.slot
                  FROM {quiz_slots} s
                  JOIN {question_references} qr
                       ON qr.itemid = s.id AND qr.component = :component AND qr.questionarea = :area
                  JOIN {question_versions} qv ON qv.questionbankentryid = qr.questionbankentryid
                 WHERE s.quizid = :quizid AND qv.questionid $insql
              ORDER BY s.slot DESC", $params);
        foreach ($slots as $slot) {
            // A fresh structure per removal: one structure object loses track of its slots
            // after removing the last one (PHP warnings in mod_quiz\structure).
            \mod_quiz\quiz_settings::create($quiz->id)->get_structure()->remove_slot((int) $slot);
        }
        foreach ($allversions as $questionid) {
            question_delete_question($questionid);
        }
    }

    /**
     * Append the questions to the quiz, one per page, each worth its default mark.
     *
     * @param \stdClass $quiz with cmid
     * @param int[] $questionids
     */
    private static function add_to_quiz(\stdClass $quiz, array $questionids): void {
        global $DB;
        $page = (int) $DB->get_field_sql('SELECT MAX(page) FROM {quiz_slots} WHERE quizid = ?', [$quiz->id]);
        foreach ($questionids as $questionid) {
            $page++;
            quiz_add_quiz_question($questionid, $quiz, $page);
        }
    }

    /**
     * Recompute and return the quiz's sum of marks.
     *
     * @param int $quizid
     * @return float
     */
    private static function recompute_sumgrades(int $quizid): float {
        global $DB;
        \mod_quiz\quiz_settings::create($quizid)->get_grade_calculator()->recompute_quiz_sumgrades();
        return (float) $DB->get_field('quiz', 'sumgrades', ['id' => $quizid]);
    }

    /**
     * Record what this import created, replacing the previous record.
     *
     * @param int $cmid
     * @param string $xmlsha1
     * @param int[] $questionids
     * @param \stdClass|null $previous the previous record
     */
    private static function remember(int $cmid, string $xmlsha1, array $questionids, ?\stdClass $previous): void {
        global $DB;
        $record = (object) [
            'cmid' => $cmid,
            'xmlsha1' => $xmlsha1,
            'questionids' => implode(',', $questionids),
            'questioncount' => count($questionids),
            'timemodified' => time(),
        ];
        if ($previous) {
            $record->id = $previous->id;
            $DB->update_record('local_certbridge_quiz', $record);
        } else {
            $DB->insert_record('local_certbridge_quiz', $record);
        }
    }

    /**
     * The ids stored in the questionids column.
     *
     * @param string|null $stored comma-separated ids
     * @return int[]
     */
    private static function parse_ids(?string $stored): array {
        return array_values(array_filter(array_map('intval', explode(',', (string) $stored))));
    }
}
