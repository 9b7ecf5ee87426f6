<?php
// This file is part of certbridge's end-to-end tests (GNU GPL v3 or later, like Moodle).
//
// Role set-up on a real test Moodle for tests/e2e/test_moodle_permissions.py, through
// Moodle's own API, as an admin would do it on the site's pages. Run with Moodle's PHP:
//   php moodle_roles.php CONFIG_PHP enrol COURSEID USERNAME ROLE
//   php moodle_roles.php CONFIG_PHP override course|module INSTANCEID CAPABILITY allow|prohibit|inherit ROLE
//   php moodle_roles.php CONFIG_PHP system USERNAME grant|revoke CAPABILITY
// ("system": a role of its own, certbridgee2e, holding CAPABILITY, assigned to the user at system level.)

define('CLI_SCRIPT', true);
require($argv[1]);
require_once($CFG->libdir . '/accesslib.php');
\core\session\manager::set_user(get_admin());

[$action, $args] = [$argv[2], array_slice($argv, 3)];
if ($action === 'enrol') {
    [$courseid, $username, $roleshortname] = $args;
    $user = $DB->get_record('user', ['username' => $username], '*', MUST_EXIST);
    $roleid = $DB->get_field('role', 'id', ['shortname' => $roleshortname], MUST_EXIST);
    $manual = enrol_get_plugin('manual');
    $instance = $DB->get_record('enrol', ['courseid' => $courseid, 'enrol' => 'manual']);
    if (!$instance) {
        $course = $DB->get_record('course', ['id' => $courseid], '*', MUST_EXIST);
        $instance = $DB->get_record('enrol', ['id' => $manual->add_instance($course)], '*', MUST_EXIST);
    }
    $manual->enrol_user($instance, $user->id, $roleid);
} else if ($action === 'override') {
    [$level, $instanceid, $capability, $permission, $roleshortname] = $args;
    $context = $level === 'course' ? context_course::instance($instanceid) : context_module::instance($instanceid);
    $roleid = $DB->get_field('role', 'id', ['shortname' => $roleshortname], MUST_EXIST);
    $values = ['allow' => CAP_ALLOW, 'prohibit' => CAP_PROHIBIT];
    if ($permission === 'inherit') {
        unassign_capability($capability, $roleid, $context->id);
    } else {
        assign_capability($capability, $values[$permission], $roleid, $context->id, true);
    }
    $context->mark_dirty();
} else if ($action === 'system') {
    [$username, $what, $capability] = $args;
    $user = $DB->get_record('user', ['username' => $username], '*', MUST_EXIST);
    $system = context_system::instance();
    $roleid = $DB->get_field('role', 'id', ['shortname' => 'certbridgee2e']);
    if (!$roleid) {
        $roleid = create_role('certbridge e2e', 'certbridgee2e', 'certbridge end-to-end tests');
        set_role_contextlevels($roleid, [CONTEXT_SYSTEM]);
    }
    if ($what === 'grant') {
        assign_capability($capability, CAP_ALLOW, $roleid, $system->id, true);
        role_assign($roleid, $user->id, $system->id);
    } else {
        role_unassign($roleid, $user->id, $system->id);
    }
    $system->mark_dirty();
} else {
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
echo "ok\n";
