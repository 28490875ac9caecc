"""Seven small demo proposals (901–907), one per handling state, for the browser tests."""

from datetime import date, timedelta

from proposals.access import SYSTEM
from proposals.deadlines import add_months
from proposals.demo.letters import demo_letters, topic_of
from proposals.derived import service
from proposals.models import (
    Body,
    Bureau,
    Member,
    Proposal,
    Session,
)
from proposals.services import (
    LetterContent,
    co_handler_opinion_record,
    feedback_record,
    proposal_save,
    proposals_assign,
    reply_grade_decide,
    reply_publish,
    reply_submit,
)

DEMO_SESSION = {"body": Body.CPPCC, "region": "焦作市", "term": 14, "meeting": 5}
LEAD = ("焦作市", "焦作市工业和信息化局")
CO_HANDLER = ("焦作市", "焦作市商务局")

# number, title, proposer, months since assignment (None: unassigned), reply grade, feedback
DEMO_PROPOSALS = [
    (901, "关于加快推进5G基站建设的提案", "王建国", 0.3, None, None),
    (902, "关于支持中小企业数字化转型的提案", "李秀英", 2.8, None, None),
    (903, "关于完善老旧小区停车设施的提案", "张伟", 4, None, None),
    (904, "关于培育专精特新企业梯队的提案", "刘芳", 2, "A", None),
    (905, "关于优化营商环境的提案", "陈静", 2.5, "B", "satisfied"),
    (906, "关于加强工业用地保障的提案", "杨洋", 3, "C", "not_satisfied"),
    (907, "关于发展夜间经济的提案", "赵磊", None, None, None),
]


@service
def demo_proposals_ensure(today: date) -> list[Proposal]:
    """Create the demo proposals that do not exist yet; return those created."""
    session, _ = Session.objects.get_or_create(**DEMO_SESSION)
    lead, _ = Bureau.objects.get_or_create(region=LEAD[0], name=LEAD[1])
    co_handler, _ = Bureau.objects.get_or_create(region=CO_HANDLER[0], name=CO_HANDLER[1])
    created = []
    for number, title, proposer, months_ago, grade, satisfaction in DEMO_PROPOSALS:
        if Proposal.objects.filter(session=session, number=number).exists():
            continue
        member, _ = Member.objects.get_or_create(
            body=session.body, region=session.region, name=proposer
        )
        proposal = proposal_save(
            proposal=Proposal(session=session, number=number, title=title),
            proposers=[member],
            actor=SYSTEM,
        )
        created.append(proposal)
        if months_ago is None:
            continue
        assigned_on = add_months(today, -int(months_ago)) - timedelta(
            days=round((months_ago % 1) * 30)
        )
        _, co = proposals_assign(
            proposals=[proposal],
            lead=lead,
            co_handlers=[co_handler],
            assigned_on=assigned_on,
            actor=SYSTEM,
        )
        co_handler_opinion_record(assignment=co, on=assigned_on, actor=SYSTEM)
        if grade is None:
            continue
        replied_on = min(today, assigned_on + timedelta(days=60))
        reply = reply_submit(
            proposal=proposal,
            bureau=lead,
            content=LetterContent(
                values={
                    "proposed_grade_id": grade,
                    "reply_date": replied_on,
                    "text": letter_text(proposer, title),
                }
            ),
            actor=SYSTEM,
        )
        reply_grade_decide(reply=reply, grade=None, actor=SYSTEM)
        # Published on the day of the reply, so the public pages have something to show.
        reply_publish(reply=reply, on=replied_on, actor=SYSTEM)
        if satisfaction:
            feedback_record(
                proposal=proposal,
                member=member,
                satisfaction=satisfaction,
                source="paper",
                received_on=min(today, replied_on + timedelta(days=10)),
                actor=SYSTEM,
            )
    return created


def letter_text(proposer: str, title: str) -> str:
    """A short reply from the real 工信 letters' paragraphs (the seven are all its proposals)."""
    paragraphs = demo_letters()["经济发展"]
    body = [
        text.replace("{我局}", "我局").replace("{topic}", topic_of(title))
        for text in paragraphs.work[:2]
    ]
    return "\n".join(
        [
            f"{proposer}委员：",
            f"您提出的《{title}》收悉，现答复如下：",
            *body,
            f"感谢您对{paragraphs.field}工作的关心和支持。",
        ]
    )
