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

/**
 * What a module holds, as stored: for keeping a copy before it is overwritten. A quiz's
 * questions are exported with qformat_xml, the exporter of Moodle's question bank.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class module_export {
    /**
     * Everything export_module returns for one module.
     *
     * @param \stdClass $cm course module with modname
     * @param \stdClass $course
     * @param \context_module $context the module's context
     * @return array
     */
    public static function export(\stdClass $cm, \stdClass $course, \context_module $context): array {
        global $DB;
        $instance = $DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
        $result = [
            'cmid' => (int) $cm->id,
            'idnumber' => (string) $cm->idnumber,
            'modname' => $cm->modname,
            'name' => (string) $instance->name,
            'intro' => (string) ($instance->intro ?? ''),
            'content' => $cm->modname === 'page' ? (string) $instance->content : '',
            'externalurl' => $cm->modname === 'url' ? (string) $instance->externalurl : '',
            'filename' => '',
            'filesize' => 0,
            'contenthash' => '',
            'fileurl' => '',
            'questionsxml' => '',
            'questioncount' => 0,
            'timemodified' => (int) ($instance->timemodified ?? 0),
            'modifiedby' => '',
            'modifiedbyid' => 0,
            'fingerprint' => module_state::fingerprint($cm),
        ];
        if ($cm->modname === 'resource') {
            $result = array_merge($result, self::main_file($context));
        } else if ($cm->modname === 'quiz') {
            [$result['questionsxml'], $result['questioncount']] = self::quiz_questions($instance, $course, $context);
        }
        $last = self::last_change($context);
        if ($last) {
            $result['timemodified'] = max($result['timemodified'], (int) $last->timecreated);
            $user = \core_user::get_user((int) $last->userid);
            $result['modifiedby'] = $user ? fullname($user) : '';
            $result['modifiedbyid'] = (int) $last->userid;
        }
        return $result;
    }

    /**
     * The resource's main file: the one mod_resource shows (highest sortorder, then oldest).
     *
     * @param \context_module $context
     * @return array filename, filesize, contenthash, fileurl
     */
    private static function main_file(\context_module $context): array {
        $files = get_file_storage()->get_area_files($context->id, 'mod_resource', 'content', 0, 'sortorder DESC, id ASC', false);
        $file = reset($files);
        if (!$file) {
            return [];
        }
        // The revision in the address is ignored by mod_resource; the token goes in the request body.
        $url = \moodle_url::make_webservice_pluginfile_url(
            $context->id,
            'mod_resource',
            'content',
            0,
            $file->get_filepath(),
            $file->get_filename()
        );
        return [
            'filename' => $file->get_filename(),
            'filesize' => (int) $file->get_filesize(),
            'contenthash' => $file->get_contenthash(),
            'fileurl' => $url->out(false),
        ];
    }

    /**
     * The quiz's questions, in slot order, as one Moodle XML file; random and missing
     * questions are left out, as the question bank's own export does.
     *
     * @param \stdClass $quiz
     * @param \stdClass $course
     * @param \context_module $context
     * @return array [xml or "" when there is no question, number of questions]
     */
    private static function quiz_questions(\stdClass $quiz, \stdClass $course, \context_module $context): array {
        $questions = [];
        foreach (\mod_quiz\question\bank\qbank_helper::get_question_structure($quiz->id, $context) as $slot) {
            if (!is_numeric($slot->questionid) || in_array($slot->qtype, ['random', 'missingtype'], true)) {
                continue;
            }
            $questions[] = \question_bank::load_question_data((int) $slot->questionid);
        }
        if (!$questions) {
            return ['', 0];
        }
        $format = new \qformat_xml();
        $format->setContexts([$context]);
        $format->setCourse($course);
        $format->setQuestions($questions);
        $format->setCattofile(false);
        $format->setContexttofile(false);
        if (!$format->exportpreprocess()) {
            throw new \moodle_exception('certbridge_exportfailed', 'local_certbridge');
        }
        return [(string) $format->exportprocess(false), count($questions)];
    }

    /**
     * The newest change logged in the module's context (edits of the activity, of its
     * questions, of its files), when the standard log store keeps them.
     *
     * @param \context_module $context
     * @return \stdClass|null {userid, timecreated}
     */
    private static function last_change(\context_module $context): ?\stdClass {
        global $DB;
        if (!$DB->get_manager()->table_exists('logstore_standard_log')) {
            return null;
        }
        $rows = $DB->get_records_select(
            'logstore_standard_log',
            "contextid = :contextid AND crud IN ('c', 'u', 'd')",
            ['contextid' => $context->id],
            'timecreated DESC, id DESC',
            'id, userid, timecreated',
            0,
            1
        );
        $row = reset($rows);
        return $row && (int) $row->userid > 0 ? $row : null;
    }
}
