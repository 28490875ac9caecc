"""History and change records read as a table of field, old value and new value, in Chinese."""

from datetime import date

import pytest
from django.urls import reverse

from proposals.models import Proposal, Reply
from proposals.services import LetterContent, reply_edit
from tests.test_admin_forms import form_data


@pytest.fixture
def edited_twice(clerk, make_proposal):
    """A proposal a clerk edited twice on its workbench page."""
    proposal = make_proposal(title="关于加强科技创新的提案")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    for changes in (
        {"title": "关于加强科技创新促进企业发展的提案", "filed_on": "2026-01-15"},
        {"category": "经济", "is_key": "on", "filed_on": ""},
    ):
        data = form_data(clerk.get(url))
        data.update(changes)
        assert clerk.post(url, data).status_code == 302
    return Proposal.objects.get(pk=proposal.pk)


def test_a_proposals_history_shows_each_change_as_field_old_and_new_value(clerk, edited_twice):
    response = clerk.get(reverse("admin:proposals_proposal_history", args=[edited_twice.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "字段" in page and "旧值 → 新值" in page
    assert '<th scope="row">案由</th>' in page and '<th scope="row">立案日期</th>' in page
    assert "— → 2026-01-15" in page and "2026-01-15 → —" in page
    assert "否 → 是" in page
    assert "None" not in page
    assert "Changes" not in page and "CHANGES" not in page


def test_a_version_page_shows_what_that_version_changed_in_chinese(clerk, edited_twice):
    version = edited_twice.history.latest()
    url = reverse(
        "admin:proposals_proposal_simple_history", args=[edited_twice.pk, version.history_id]
    )
    response = clerk.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "这一版本的变更" in page and "2026-01-15 → —" in page
    assert "提案办理" in page and "Proposals" not in page
    assert "None" not in page


def test_a_replys_change_records_show_labels_and_dashes_not_raw_values(
    clerk, clerk_user, make_proposal, make_reply
):
    reply = make_reply(make_proposal(), doc_number="焦工信函〔2026〕1号")
    reply_edit(
        reply=reply,
        content=LetterContent(
            values={"reply_date": date(2026, 1, 15), "completeness": Reply.Completeness.INCOMPLETE}
        ),
        actor=clerk_user,
    )
    for url in (
        reverse("admin:proposals_reply_change", args=[reply.pk]),
        reverse("admin:proposals_replychange_change", args=[reply.changes.get().pk]),
    ):
        page = clerk.get(url).content.decode()
        assert '<th scope="row">答复日期</th>' in page
        assert "— → 2026-01-15" in page
        assert "完整 → 不完整" in page
        assert "None" not in page and "→ incomplete" not in page
