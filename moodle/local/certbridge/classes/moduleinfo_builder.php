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
require_once($CFG->dirroot . '/course/modlib.php');
require_once($CFG->libdir . '/resourcelib.php');

/**
 * Builds the module data that add_moduleinfo()/update_moduleinfo() expect, the same
 * shape the activity settings form submits, from upsert_module's parameters.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class moduleinfo_builder {
    /** @var string[] quiz settings taken from the site's quiz defaults (admin settings) */
    public const QUIZ_SITE_DEFAULTS = ['attemptonlast', 'attempts', 'browsersecurity', 'canredoquestions',
        'decimalpoints', 'delay1', 'delay2', 'graceperiod', 'grademethod', 'navmethod', 'overduehandling',
        'preferredbehaviour', 'questiondecimalpoints', 'quizpassword', 'showblocks', 'showuserpicture',
        'shuffleanswers', 'subnet', 'timelimit'];

    /** @var string[] quiz review options: form field prefix => database column */
    public const QUIZ_REVIEW_FIELDS = ['attempt' => 'reviewattempt', 'correctness' => 'reviewcorrectness',
        'maxmarks' => 'reviewmaxmarks', 'marks' => 'reviewmarks', 'specificfeedback' => 'reviewspecificfeedback',
        'generalfeedback' => 'reviewgeneralfeedback', 'rightanswer' => 'reviewrightanswer',
        'overallfeedback' => 'reviewoverallfeedback'];

    /** @var int[] when a quiz review option applies: form field suffix => bit (mod_quiz display_options) */
    public const QUIZ_REVIEW_TIMES = ['during' => 0x10000, 'immediately' => 0x01000, 'open' => 0x00100, 'closed' => 0x00010];

    /**
     * Data for add_moduleinfo(): form defaults of a new module, then the caller's values.
     *
     * @param \stdClass $course
     * @param array $params upsert_module's validated parameters
     * @param int $filesdraft draft item id holding the resource's file (0 for other types)
     * @return \stdClass
     */
    public static function for_create(\stdClass $course, array $params, int $filesdraft): \stdClass {
        [, , , , $info] = prepare_new_moduleinfo_data($course, $params['modname'], $params['section']);
        $info->visibleoncoursepage = 1;
        switch ($params['modname']) {
            case 'resource':
                $info->display = RESOURCELIB_DISPLAY_AUTO;
                $info->printintro = 1;
                $info->showsize = 0;
                $info->showtype = 0;
                $info->showdate = 0;
                break;
            case 'page':
                $info->display = RESOURCELIB_DISPLAY_OPEN;
                $info->printintro = 0;
                $info->printlastmodified = 1;
                break;
            case 'url':
                $info->display = RESOURCELIB_DISPLAY_AUTO;
                $info->printintro = 1;
                break;
            case 'quiz':
                self::apply_quiz_site_defaults($info);
                break;
        }
        self::apply_params($info, $params, $filesdraft);
        // A new page takes its content as is; an update goes through the editor field.
        if ($params['modname'] === 'page') {
            $info->content = $params['content'];
            $info->contentformat = FORMAT_HTML;
        }
        return $info;
    }

    /**
     * Data for update_moduleinfo(): the module's current settings as the form would
     * show them, then the caller's values.
     *
     * @param \stdClass $course
     * @param \stdClass $cm course_modules row
     * @param array $params upsert_module's validated parameters
     * @param int $filesdraft draft item id holding the new file, 0 keeps the current one
     * @return array [course_modules row, module data]
     */
    public static function for_update(\stdClass $course, \stdClass $cm, array $params, int $filesdraft): array {
        global $CFG;
        // Some *_update_instance functions rely on helpers their settings form loads.
        if (file_exists($CFG->dirroot . '/mod/' . $params['modname'] . '/locallib.php')) {
            require_once($CFG->dirroot . '/mod/' . $params['modname'] . '/locallib.php');
        }
        [$cm, , , $info] = get_moduleinfo_data($cm, $course);
        // The settings form unpacks these; the *_update_instance functions expect them.
        $display = !empty($info->displayoptions) ? (unserialize_array($info->displayoptions) ?: []) : [];
        foreach (['printintro', 'printlastmodified', 'showsize', 'showtype', 'showdate', 'popupwidth', 'popupheight'] as $key) {
            $info->$key = $display[$key] ?? 0;
        }
        switch ($params['modname']) {
            case 'page':
                // No draft item: the page keeps its embedded files as they are.
                $info->page = ['text' => $params['content'], 'format' => FORMAT_HTML, 'itemid' => 0];
                break;
            case 'url':
                self::unpack_url_parameters($info);
                break;
            case 'quiz':
                self::unpack_quiz_settings($info);
                break;
        }
        self::apply_params($info, $params, $filesdraft);
        return [$cm, $info];
    }

    /**
     * The values upsert_module sets on every module type.
     *
     * @param \stdClass $info
     * @param array $params
     * @param int $filesdraft
     */
    private static function apply_params(\stdClass $info, array $params, int $filesdraft): void {
        $info->cmidnumber = $params['idnumber'];
        $info->section = $params['section'];
        $info->visible = $params['visible'] ? 1 : 0;
        // A label's name is derived from its text by mod_label when empty.
        $info->name = $params['modname'] === 'label' ? '' : $params['name'];
        $info->introeditor = [
            'text' => $params['intro'],
            'format' => FORMAT_HTML,
            'itemid' => $info->introeditor['itemid'] ?? file_get_unused_draft_itemid(),
        ];
        if ($params['modname'] === 'url') {
            $info->externalurl = $params['externalurl'];
        }
        if ($params['modname'] === 'resource') {
            // 0 on update: resource_set_mainfile() leaves the current file alone.
            $info->files = $filesdraft;
        }
    }

    /**
     * The site's default quiz settings, as a new quiz form starts with.
     *
     * @param \stdClass $info
     */
    private static function apply_quiz_site_defaults(\stdClass $info): void {
        $config = get_config('quiz');
        foreach (self::QUIZ_SITE_DEFAULTS as $name) {
            $info->$name = $config->$name ?? 0;
        }
        $info->grade = $config->maximumgrade ?? 10;
        $info->questionsperpage = 1;
        $info->timeopen = 0;
        $info->timeclose = 0;
        $info->sumgrades = 0;
        foreach (self::QUIZ_REVIEW_FIELDS as $field => $column) {
            self::unpack_review_option($info, $field, (int) ($config->$column ?? 0));
        }
    }

    /**
     * Turn a quiz record into the form fields quiz_update_instance() reads back.
     *
     * @param \stdClass $info
     */
    private static function unpack_quiz_settings(\stdClass $info): void {
        global $DB;
        foreach (self::QUIZ_REVIEW_FIELDS as $field => $column) {
            self::unpack_review_option($info, $field, (int) $info->$column);
        }
        $info->quizpassword = $info->password;
        unset($info->password);
        // Overall feedback is rewritten from these fields on every update: keep it.
        $feedbacks = array_values($DB->get_records('quiz_feedback', ['quizid' => $info->instance], 'mingrade DESC'));
        if ($feedbacks) {
            $info->feedbacktext = [];
            $info->feedbackboundaries = [];
            foreach ($feedbacks as $i => $feedback) {
                $info->feedbacktext[$i] = ['text' => $feedback->feedbacktext,
                    'format' => $feedback->feedbacktextformat, 'itemid' => 0];
                if ($feedback->mingrade > 0) {
                    $info->feedbackboundaries[$i] = $feedback->mingrade;
                }
            }
        }
        foreach (\mod_quiz\access_manager::load_settings($info->instance) as $name => $value) {
            $info->$name = $value;
        }
    }

    /**
     * Split one review bitmask into the form's per-time checkboxes.
     *
     * @param \stdClass $info
     * @param string $field
     * @param int $mask
     */
    private static function unpack_review_option(\stdClass $info, string $field, int $mask): void {
        foreach (self::QUIZ_REVIEW_TIMES as $when => $bit) {
            $info->{$field . $when} = ($mask & $bit) ? 1 : 0;
        }
    }

    /**
     * Turn a url record's stored parameters into the form's parameter_N/variable_N
     * pairs, which url_update_instance() rebuilds them from.
     *
     * @param \stdClass $info
     */
    private static function unpack_url_parameters(\stdClass $info): void {
        $parameters = !empty($info->parameters) ? (unserialize_array($info->parameters) ?: []) : [];
        $i = 0;
        foreach ($parameters as $parameter => $variable) {
            $info->{'parameter_' . $i} = $parameter;
            $info->{'variable_' . $i} = $variable;
            $i++;
        }
    }
}
