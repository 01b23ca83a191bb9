"""Who a borrower is, in the words eligibility rules use (shared with applications/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Occupation(models.TextChoices):
    SALARIED = "salaried", _("Salaried employee")
    CIVIL_SERVANT = "civil_servant", _("Civil servant or public institution")
    BUSINESS_OWNER = "business_owner", _("Business owner")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    FREELANCER = "freelancer", _("Freelancer")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("Unemployed")


class City(models.TextChoices):
    BEIJING = "beijing", _("Beijing")
    SHANGHAI = "shanghai", _("Shanghai")
    GUANGZHOU = "guangzhou", _("Guangzhou")
    SHENZHEN = "shenzhen", _("Shenzhen")
    TIANJIN = "tianjin", _("Tianjin")
    CHONGQING = "chongqing", _("Chongqing")
    HANGZHOU = "hangzhou", _("Hangzhou")
    NANJING = "nanjing", _("Nanjing")
    SUZHOU = "suzhou", _("Suzhou")
    WUHAN = "wuhan", _("Wuhan")
    CHENGDU = "chengdu", _("Chengdu")
    XIAN = "xian", _("Xi'an")
    CHANGSHA = "changsha", _("Changsha")
    ZHENGZHOU = "zhengzhou", _("Zhengzhou")
    QINGDAO = "qingdao", _("Qingdao")
    XIAMEN = "xiamen", _("Xiamen")
    KUNMING = "kunming", _("Kunming")
    HARBIN = "harbin", _("Harbin")
    URUMQI = "urumqi", _("Urumqi")
    LHASA = "lhasa", _("Lhasa")
    OTHER = "other", _("Another city")


class LoanPurpose(models.TextChoices):
    CONSUMPTION = "consumption", _("Everyday spending")
    HOME = "home", _("Home renovation or furniture")
    CAR = "car", _("Buying a car")
    EDUCATION = "education", _("Education")
    MEDICAL = "medical", _("Medical costs")
    TRAVEL = "travel", _("Travel")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Something else")
