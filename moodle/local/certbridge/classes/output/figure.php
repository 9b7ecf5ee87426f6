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

namespace local_certbridge\output;

/**
 * A completion figure as a bar against the target, for the templates.
 *
 * @package    local_certbridge
 * @copyright  2026 certbridge contributors
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class figure {
    /**
     * Template data of a figure (local_certbridge/figure).
     *
     * @param int $online
     * @param int $planned
     * @param float $ratio 0-1
     * @param float|null $target 0-1, null for a total (no target mark, no status)
     * @param bool $meets
     * @return array
     */
    public static function export(int $online, int $planned, float $ratio, ?float $target, bool $meets): array {
        return [
            'online' => $online,
            'planned' => $planned,
            'percent' => self::percent($ratio),
            'width' => round($ratio * 100, 1),
            'hastarget' => $target !== null,
            'target' => $target === null ? '' : self::percent($target),
            'targetpos' => $target === null ? 0 : round($target * 100, 1),
            'meets' => $meets,
            'status' => $target === null ? '' : get_string($meets ? 'status_meets' : 'status_below', 'local_certbridge'),
            'text' => get_string('figure', 'local_certbridge', (object) ['online' => $online, 'planned' => $planned]),
            'targettext' => $target === null ? '' : get_string('targetis', 'local_certbridge', self::percent($target)),
        ];
    }

    /**
     * A share as a whole percentage, "50%".
     *
     * @param float $ratio
     * @return string
     */
    public static function percent(float $ratio): string {
        return format_float($ratio * 100, 0) . '%';
    }
}
