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

/**
 * What Moodle currently holds for certbridge modules: fingerprint and time modified.
 *
 * The fingerprint is the lowercase hex SHA-1 of a module's content, computed exactly
 * as docs/plugin-api.md says so that the client can predict it:
 * resource = the main file's contenthash, page = content, url = externalurl,
 * label = intro, quiz = the Moodle XML last imported (while the quiz still has as
 * many questions as that import added), else "".
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class module_state {
    /** @var string[] module types certbridge creates, sorted */
    public const MODTYPES = ['label', 'page', 'quiz', 'resource', 'url'];

    /** @var string[] instance column whose text is the fingerprinted content */
    public const CONTENT_COLUMN = ['page' => 'content', 'url' => 'externalurl', 'label' => 'intro'];

    /**
     * Fingerprint and time modified of several modules, in a few queries.
     *
     * @param \stdClass[] $cms objects with id, instance, modname (and added)
     * @return \stdClass[] cm id => {fingerprint: string, timemodified: int}
     */
    public static function load(array $cms): array {
        global $DB;
        $bytype = [];
        $states = [];
        foreach ($cms as $cm) {
            if (in_array($cm->modname, self::MODTYPES, true)) {
                $bytype[$cm->modname][(int) $cm->id] = (int) $cm->instance;
            } else {
                // Not a type certbridge writes: nothing to fingerprint.
                $states[(int) $cm->id] = (object) ['fingerprint' => '', 'timemodified' => (int) ($cm->added ?? 0)];
            }
        }
        foreach ($bytype as $modname => $instances) {
            $column = self::CONTENT_COLUMN[$modname] ?? null;
            $fields = 'id, timemodified' . ($column ? ", $column" : '');
            $records = $DB->get_records_list($modname, 'id', array_values($instances), '', $fields);
            $quizrows = $modname === 'quiz' ? self::quiz_imports($instances) : [];
            $filehashes = $modname === 'resource' ? self::resource_hashes(array_keys($instances)) : [];
            foreach ($instances as $cmid => $instanceid) {
                $record = $records[$instanceid] ?? null;
                $timemodified = $record ? (int) $record->timemodified : 0;
                if ($column) {
                    $fingerprint = $record ? sha1((string) $record->$column) : '';
                } else if ($modname === 'resource') {
                    $fingerprint = $filehashes[$cmid] ?? '';
                } else {
                    $import = $quizrows[$cmid] ?? null;
                    $fingerprint = $import ? $import->fingerprint : '';
                    $timemodified = max($timemodified, $import ? (int) $import->timemodified : 0);
                }
                $states[$cmid] = (object) ['fingerprint' => $fingerprint, 'timemodified' => $timemodified];
            }
        }
        return $states;
    }

    /**
     * Fingerprint of one module.
     *
     * @param \stdClass $cm object with id, instance, modname
     * @return string
     */
    public static function fingerprint(\stdClass $cm): string {
        return self::load([$cm])[(int) $cm->id]->fingerprint;
    }

    /**
     * Content hash of each resource's main file: the one mod_resource shows
     * (highest sortorder, then oldest).
     *
     * @param int[] $cmids
     * @return string[] cm id => sha1
     */
    private static function resource_hashes(array $cmids): array {
        global $DB;
        [$insql, $params] = $DB->get_in_or_equal($cmids, SQL_PARAMS_NAMED);
        $params += ['level' => CONTEXT_MODULE, 'component' => 'mod_resource', 'filearea' => 'content', 'dot' => '.'];
        $sql = "SELECT f.id, ctx.instanceid AS cmid, f.contenthash
                  FROM {files} f
                  JOIN {context} ctx ON ctx.id = f.contextid AND ctx.contextlevel = :level
                 WHERE ctx.instanceid $insql AND f.component = :component AND f.filearea = :filearea
                       AND f.itemid = 0 AND f.filename <> :dot
              ORDER BY f.sortorder DESC, f.id ASC";
        $hashes = [];
        foreach ($DB->get_records_sql($sql, $params) as $file) {
            if (!isset($hashes[(int) $file->cmid])) {
                $hashes[(int) $file->cmid] = $file->contenthash;
            }
        }
        return $hashes;
    }

    /**
     * Import records of quizzes, with the fingerprint valid only while the quiz still
     * holds as many questions as that import added.
     *
     * @param int[] $instances cm id => quiz id
     * @return \stdClass[] cm id => {fingerprint, timemodified}
     */
    private static function quiz_imports(array $instances): array {
        global $DB;
        $rows = $DB->get_records_list(
            'local_certbridge_quiz',
            'cmid',
            array_keys($instances),
            '',
            'cmid, xmlsha1, questioncount, timemodified'
        );
        if (!$rows) {
            return [];
        }
        [$insql, $params] = $DB->get_in_or_equal(array_values($instances));
        $slots = $DB->get_records_sql_menu(
            "SELECT quizid, COUNT(1) FROM {quiz_slots} WHERE quizid $insql GROUP BY quizid",
            $params
        );
        $imports = [];
        foreach ($rows as $row) {
            $count = (int) ($slots[$instances[(int) $row->cmid]] ?? 0);
            $imports[(int) $row->cmid] = (object) [
                'fingerprint' => $count === (int) $row->questioncount ? $row->xmlsha1 : '',
                'timemodified' => (int) $row->timemodified,
            ];
        }
        return $imports;
    }
}
