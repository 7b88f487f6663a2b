"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import ArchiveLoan, Contact, KeyAccount
from accounts.models.access import LoanStatus
from accounts.models.archive import ContactLevel, Status, Tier
from accounts.validators import credit_code_check_char
from kam.models import Team, User
from kam.roles import Role

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"团队{n}")
    manager = factory.SubFactory(UserFactory, role=Role.SALES_MANAGER)


def make_credit_code(n: int) -> str:
    body = f"91320200{n:09d}"
    return body + credit_code_check_char(body)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyAccount

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    credit_code = factory.Sequence(make_credit_code)
    tier = Tier.IMPORTANT
    status = Status.ACTIVE
    legal_representative = "王五"
    industry = "机械制造"
    owner = factory.SubFactory(UserFactory, role=Role.KAM)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    level = ContactLevel.OPERATIONAL
    title = "采购专员"


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArchiveLoan

    account = factory.SubFactory(AccountFactory)
    requester = factory.SubFactory(UserFactory)
    reason = "准备技术交流"
    until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    status = LoanStatus.APPROVED
