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

use invalid_parameter_exception;

/**
 * Files the caller uploaded to its draft area with webservice/upload.php.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class draft_file {
    /**
     * One file of the current user's draft item.
     *
     * @param int $draftitemid
     * @param string $filename its name; "" picks the only file of the item
     * @return \stored_file
     * @throws \moodle_exception certbridge_notindraft when it is not there
     */
    public static function require_file(int $draftitemid, string $filename): \stored_file {
        global $USER;
        $fs = get_file_storage();
        $contextid = \context_user::instance($USER->id)->id;
        if ($filename === '') {
            $files = $fs->get_area_files($contextid, 'user', 'draft', $draftitemid, 'id', false);
            if (count($files) !== 1) {
                throw new invalid_parameter_exception('filename is required when the draft item does not hold exactly one file');
            }
            return reset($files);
        }
        foreach ($fs->get_area_files($contextid, 'user', 'draft', $draftitemid, 'filepath, id', false) as $file) {
            if ($file->get_filename() === $filename) {
                return $file;
            }
        }
        throw new \moodle_exception(
            'certbridge_notindraft',
            'local_certbridge',
            '',
            (object) ['filename' => $filename, 'draftitemid' => $draftitemid]
        );
    }

    /**
     * A new draft item of the current user holding only a copy of $file, so that a
     * module takes exactly that file even when the caller's draft item holds more.
     *
     * @param \stored_file $file
     * @return int the new draft item id
     */
    public static function isolate(\stored_file $file): int {
        $itemid = file_get_unused_draft_itemid();
        get_file_storage()->create_file_from_storedfile(['itemid' => $itemid, 'filepath' => '/'], $file);
        return $itemid;
    }
}
