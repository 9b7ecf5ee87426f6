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

namespace local_certbridge\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_single_structure;
use core_external\external_value;
use core_external\external_warnings;
use local_certbridge\course_lock;
use local_certbridge\draft_file;
use local_certbridge\quiz_import;

/**
 * local_certbridge_import_questions: import a Moodle XML file into a quiz, replacing
 * the questions the previous import put there.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class import_questions extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cmid' => new external_value(PARAM_INT, 'course module id of the quiz'),
            'draftitemid' => new external_value(PARAM_INT, 'draft item holding the Moodle XML file'),
            'filename' => new external_value(PARAM_FILE, 'its name there'),
        ]);
    }

    /**
     * Import and put the questions in the quiz.
     *
     * @param int $cmid
     * @param int $draftitemid
     * @param string $filename
     * @return array
     */
    public static function execute(int $cmid, int $draftitemid, string $filename): array {
        global $DB;
        $params = self::validate_parameters(
            self::execute_parameters(),
            ['cmid' => $cmid, 'draftitemid' => $draftitemid, 'filename' => $filename]
        );
        $cm = get_coursemodule_from_id('quiz', $params['cmid'], 0, false, MUST_EXIST);
        $course = $DB->get_record('course', ['id' => $cm->course], '*', MUST_EXIST);
        $context = \context_course::instance($course->id);
        self::validate_context($context);
        require_capability('local/certbridge:sync', $context);
        // As core's quiz editing page (mod/quiz/edit.php): slots are changed with
        // mod/quiz:manage in the quiz's own context, where a role override may prohibit it.
        $quizcontext = \context_module::instance($cm->id);
        require_capability('mod/quiz:manage', $quizcontext);
        // The questions go into the quiz's own bank.
        require_capability('moodle/question:add', $quizcontext);

        $file = draft_file::require_file($params['draftitemid'], $params['filename']);
        $result = course_lock::run($course->id, fn() => quiz_import::replace($cm, $course, $file));
        return [
            'cmid' => (int) $cm->id,
            'questioncount' => $result->questioncount,
            'sumgrades' => $result->sumgrades,
            'fingerprint' => $result->fingerprint,
            'warnings' => [],
        ];
    }

    /**
     * Return structure.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'course module id of the quiz'),
            'questioncount' => new external_value(PARAM_INT, 'questions imported and added'),
            'sumgrades' => new external_value(PARAM_FLOAT, 'the quiz\'s sum of marks'),
            'fingerprint' => new external_value(PARAM_ALPHANUM, 'sha1 of the imported XML'),
            'warnings' => new external_warnings(),
        ]);
    }
}
