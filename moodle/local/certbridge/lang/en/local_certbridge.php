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
 * English strings for local_certbridge.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['pluginname'] = 'certbridge resource sync';
$string['certbridge:sync'] = 'Publish and update certbridge-managed activities';
$string['certbridge:viewcategoryreport'] = 'See the resource completion of every course in a category';
$string['certbridge:viewreport'] = 'See the resource completion report of a course';
$string['certbridge_coursebusy'] = 'Another certbridge write to course {$a} is still running; try again later.';
$string['certbridge_exportfailed'] = 'The quiz\'s questions could not be exported.';
$string['certbridge_importfailed'] = 'The question import failed: {$a}';
$string['certbridge_noplan'] = 'Course {$a} has no certbridge plan yet: run certbridge sync for it.';
$string['certbridge_notindraft'] = 'The file {$a->filename} is not in draft area {$a->draftitemid}.';
$string['certbridge_quizhasattempts'] = 'The quiz {$a} already has student attempts, so its questions cannot be replaced.';
$string['certbridge_wrongmodname'] = 'The module {$a->idnumber} exists as a {$a->existing}, not a {$a->requested}. Delete it first.';
$string['privacy:metadata'] = 'The certbridge plugin stores no personal data. Its tables record, per quiz, which questions the last import created and the fingerprint of the imported file, and per course the plan of its resource pack (resources, certificate requirements, target).';
$string['warning_duplicateidnumber'] = 'Several modules share the idnumber {$a}; the oldest one was used.';
