"""The retry policy over real sockets: the sandbox injects 502s, dropped connections, timeouts."""
import pytest

from bridge.moodle import MoodleClient, errors

sandbox = pytest.importorskip("bridge.sandbox", reason="bridge.sandbox is not available")

PREFIX = "certbridge:faults:"


@pytest.fixture(scope="module")
def site():
    with sandbox.Sandbox(seed=7) as sb:
        yield sb


@pytest.fixture
def client(site):
    site.admin.clear_faults()
    site.admin.reset_calls()
    with MoodleClient(site.url, site.token, retries=5, backoff=0.0, timeout=(2.0, 0.3)) as c:
        yield c
    site.admin.clear_faults()


def attempts(site, function):
    return [c for c in site.admin.calls() if c.wsfunction == function]


@pytest.fixture
def courseid(site, client):
    categoryid = client.get_categories()[0]["id"]
    course = client.get_course_by_shortname("FAULTS") or client.create_course("FAULTS", "Faults", categoryid)
    client.ensure_sections(course["id"], [(1, "One")])
    return course["id"]


@pytest.mark.parametrize("plan", [dict(error_rate=0.5), dict(drop_rate=0.5)])
def test_reads_get_through_errors_and_drops(site, client, plan):
    site.admin.set_faults(sandbox.FaultPlan(seed=3, only_functions=["core_webservice_get_site_info"], **plan))
    for _ in range(8):
        assert client.site_info()["userid"]
    assert client.stats.reads == 8 and client.stats.retries > 0
    assert client.stats.http_requests == 8 + client.stats.retries


def test_dropped_write_is_ambiguous_and_not_resent(site, client, courseid):
    site.admin.set_faults(sandbox.FaultPlan(drop_rate=1.0, only_functions=["local_certbridge_upsert_module"]))
    with pytest.raises(errors.AmbiguousWrite):
        client.upsert_module(courseid, idnumber=PREFIX + "a", modname="label", section=1, name="a", intro="x")
    assert len(attempts(site, "local_certbridge_upsert_module")) == 1
    site.admin.clear_faults()
    # What the sync engine does next: read back by idnumber.
    assert PREFIX + "a" not in {m.idnumber for m in client.get_modules(courseid, PREFIX)}


def test_write_5xx_is_not_resent(site, client, courseid):
    site.admin.set_faults(sandbox.FaultPlan(error_rate=1.0, only_functions=["local_certbridge_delete_module"]))
    with pytest.raises(errors.ServerError) as info:
        client.delete_module(courseid, PREFIX + "b", PREFIX)
    assert info.value.status == 502 and info.value.write
    assert len(attempts(site, "local_certbridge_delete_module")) == 1


def test_write_timeout_is_ambiguous(site, client, courseid):
    site.admin.set_faults(sandbox.FaultPlan(timeout_rate=1.0, timeout_s=1.0,
                                            only_functions=["local_certbridge_ensure_sections"]))
    with pytest.raises(errors.AmbiguousWrite):
        client.ensure_sections(courseid, [(2, "Two")])
    assert client.stats.retries == 0
