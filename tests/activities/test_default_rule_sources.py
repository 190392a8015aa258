"""The default yearly duties name their sources."""

import pytest

from activities.models import MeetingRule, MeetingType

pytestmark = pytest.mark.django_db


def test_the_member_evaluation_rule_names_the_article_read_in_a_full_copy():
    rule = MeetingRule.objects.get(branch=None, kind=MeetingType.EVALUATION)
    assert "党员教育管理工作条例" in rule.source and "第十八条" in rule.source
    assert rule.period == "calendar_year"
