"""The units' ledgers, moved here from the campaign app with their rows: the tables are
renamed (campaign_* → ledgers_*), nothing is copied."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_APP = 'campaign'
NEW_APP = 'ledgers'
MODELS = ['cardtype', 'cardrecord', 'discussionrequirement', 'discussionsession', 'integrityrecord', 'leaderlecture', 'ledgercorrection', 'practiceactivity', 'activityattachment', 'practicebaseline', 'practiceplan', 'publicitycheck', 'rectificationitem', 'rectificationchange', 'surveyresponse', 'triprequest']


def _content_types(apps, old, new, models):
    """Move the models' content types (and so their permissions and admin history) to
    the app that now holds them, instead of leaving stale ones behind."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        moved = ContentType.objects.filter(app_label=old, model=model).first()
        if moved is None:
            continue
        # One made meanwhile for the new label (by a post_migrate) holds nothing yet.
        ContentType.objects.filter(app_label=new, model=model).delete()
        moved.app_label = new
        moved.save(update_fields=["app_label"])


def content_types_forward(apps, schema_editor):
    _content_types(apps, OLD_APP, NEW_APP, MODELS)


def content_types_backward(apps, schema_editor):
    _content_types(apps, NEW_APP, OLD_APP, MODELS)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaign', '0009_briefing_copies'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('study', '0001_initial'),
        ('units', '0002_unit_completed_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "campaign_cardtype" RENAME TO "ledgers_cardtype"',
                    reverse_sql='ALTER TABLE "ledgers_cardtype" RENAME TO "campaign_cardtype"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_cardrecord" RENAME TO "ledgers_cardrecord"',
                    reverse_sql='ALTER TABLE "ledgers_cardrecord" RENAME TO "campaign_cardrecord"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_discussionrequirement" RENAME TO "ledgers_discussionrequirement"',
                    reverse_sql='ALTER TABLE "ledgers_discussionrequirement" RENAME TO "campaign_discussionrequirement"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_discussionsession" RENAME TO "ledgers_discussionsession"',
                    reverse_sql='ALTER TABLE "ledgers_discussionsession" RENAME TO "campaign_discussionsession"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_integrityrecord" RENAME TO "ledgers_integrityrecord"',
                    reverse_sql='ALTER TABLE "ledgers_integrityrecord" RENAME TO "campaign_integrityrecord"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_leaderlecture" RENAME TO "ledgers_leaderlecture"',
                    reverse_sql='ALTER TABLE "ledgers_leaderlecture" RENAME TO "campaign_leaderlecture"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_ledgercorrection" RENAME TO "ledgers_ledgercorrection"',
                    reverse_sql='ALTER TABLE "ledgers_ledgercorrection" RENAME TO "campaign_ledgercorrection"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_practiceactivity" RENAME TO "ledgers_practiceactivity"',
                    reverse_sql='ALTER TABLE "ledgers_practiceactivity" RENAME TO "campaign_practiceactivity"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_activityattachment" RENAME TO "ledgers_activityattachment"',
                    reverse_sql='ALTER TABLE "ledgers_activityattachment" RENAME TO "campaign_activityattachment"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_practicebaseline" RENAME TO "ledgers_practicebaseline"',
                    reverse_sql='ALTER TABLE "ledgers_practicebaseline" RENAME TO "campaign_practicebaseline"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_practiceplan" RENAME TO "ledgers_practiceplan"',
                    reverse_sql='ALTER TABLE "ledgers_practiceplan" RENAME TO "campaign_practiceplan"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_publicitycheck" RENAME TO "ledgers_publicitycheck"',
                    reverse_sql='ALTER TABLE "ledgers_publicitycheck" RENAME TO "campaign_publicitycheck"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_rectificationitem" RENAME TO "ledgers_rectificationitem"',
                    reverse_sql='ALTER TABLE "ledgers_rectificationitem" RENAME TO "campaign_rectificationitem"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_rectificationchange" RENAME TO "ledgers_rectificationchange"',
                    reverse_sql='ALTER TABLE "ledgers_rectificationchange" RENAME TO "campaign_rectificationchange"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_surveyresponse" RENAME TO "ledgers_surveyresponse"',
                    reverse_sql='ALTER TABLE "ledgers_surveyresponse" RENAME TO "campaign_surveyresponse"',
                ),
                migrations.RunSQL(
                    'ALTER TABLE "campaign_triprequest" RENAME TO "ledgers_triprequest"',
                    reverse_sql='ALTER TABLE "ledgers_triprequest" RENAME TO "campaign_triprequest"',
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='CardType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='名称')),
                        ('number', models.PositiveSmallIntegerField(default=1, verbose_name='序号')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='card_types', to='campaign.campaign', verbose_name='批次')),
                    ],
                    options={
                        'verbose_name': '五卡卡种',
                        'verbose_name_plural': '五卡卡种',
                        'ordering': ['campaign', 'number', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CardRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_on', models.DateField(verbose_name='日期')),
                        ('issued', models.PositiveIntegerField(default=0, verbose_name='发出(张)')),
                        ('returned', models.PositiveIntegerField(default=0, verbose_name='收回(张)')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='card_records', to='units.unit', verbose_name='单位')),
                        ('card_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='records', to='ledgers.cardtype', verbose_name='卡种')),
                    ],
                    options={
                        'verbose_name': '五卡发放记录',
                        'verbose_name_plural': '五卡发放记录',
                        'ordering': ['-recorded_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DiscussionRequirement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group', models.CharField(choices=[('government', '党政机关党员'), ('institution', '事业单位党员'), ('enterprise', '企业党员'), ('in_service', '在岗党员'), ('retired', '离退休党员'), ('rural', '农村党员'), ('community', '社区党员'), ('ordinary', '一般党员'), ('leading_cadre', '党员领导干部')], max_length=20, verbose_name='党员群体')),
                        ('version', models.PositiveSmallIntegerField(default=1, verbose_name='稿次')),
                        ('text', models.TextField(verbose_name='具体要求')),
                        ('is_adopted', models.BooleanField(default=False, verbose_name='定稿')),
                        ('written_at', models.DateTimeField(auto_now_add=True, verbose_name='起草时间')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='discussion_requirements', to='units.unit', verbose_name='单位')),
                        ('written_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='起草人')),
                    ],
                    options={
                        'verbose_name': '先进性具体要求',
                        'verbose_name_plural': '先进性具体要求',
                        'ordering': ['unit', 'group', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='DiscussionSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField(verbose_name='日期')),
                        ('participants', models.CharField(max_length=200, verbose_name='参加人员')),
                        ('summary', models.TextField(verbose_name='讨论情况')),
                        ('public_opinions', models.TextField(blank=True, verbose_name='征求群众意见')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='discussion_sessions', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '大讨论记录',
                        'verbose_name_plural': '大讨论记录',
                        'ordering': ['-held_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='IntegrityRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_on', models.DateField(verbose_name='日期')),
                        ('refused_banquets', models.PositiveIntegerField(default=0, verbose_name='拒吃请(人次)')),
                        ('refused_vouchers', models.PositiveIntegerField(default=0, verbose_name='拒收购物券(张)')),
                        ('refused_vouchers_value', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='购物券价值(元)')),
                        ('refused_gifts_value', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='拒收礼金、信息费(元)')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='integrity_records', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '廉洁自律记录',
                        'verbose_name_plural': '廉洁自律记录',
                        'ordering': ['-recorded_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='LeaderLecture',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('party_lecture', '党课'), ('situation_report', '形势报告')], max_length=20, verbose_name='类别')),
                        ('given_on', models.DateField(verbose_name='日期')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='地点')),
                        ('topic', models.CharField(max_length=200, verbose_name='题目')),
                        ('audience', models.PositiveIntegerField(verbose_name='听课人数')),
                        ('lecturer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lectures', to='units.member', verbose_name='主讲领导干部')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='leader_lectures', to='units.unit', verbose_name='授课单位')),
                    ],
                    options={
                        'verbose_name': '领导干部党课和形势报告',
                        'verbose_name_plural': '领导干部党课和形势报告',
                        'ordering': ['-given_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='LedgerCorrection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ledger', models.CharField(choices=[('activity', '二三五活动记录'), ('card', '五卡发放回收'), ('lecture', '党课和形势报告'), ('publicity', '宣传情况'), ('integrity', '廉洁自律情况')], max_length=20, verbose_name='台账')),
                        ('record_id', models.PositiveIntegerField(verbose_name='记录编号')),
                        ('record', models.CharField(max_length=200, verbose_name='记录')),
                        ('action', models.CharField(choices=[('changed', '修改'), ('deleted', '删除')], max_length=10, verbose_name='更正方式')),
                        ('changes', models.JSONField(default=dict, verbose_name='更正内容')),
                        ('reason', models.CharField(max_length=200, verbose_name='更正原因')),
                        ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='更正时间')),
                        ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更正人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_corrections', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '台账更正记录',
                        'verbose_name_plural': '台账更正记录',
                        'ordering': ['-changed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PracticeActivity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField(verbose_name='日期')),
                        ('kind', models.CharField(choices=[('among_people', '两深入·深入群众'), ('grassroots', '两深入·深入基层'), ('satisfied_office', '创三满意·最满意机关'), ('satisfied_organisation', '创三满意·最满意党组织'), ('satisfied_member', '创三满意·最满意共产党员'), ('send_information', '五送·送信息'), ('send_technology', '五送·送技术'), ('send_ideas', '五送·送观念'), ('send_health', '五送·送健康'), ('send_warmth', '五送·送温暖')], max_length=30, verbose_name='活动类别')),
                        ('participants', models.CharField(max_length=200, verbose_name='参加人员')),
                        ('description', models.TextField(verbose_name='活动内容')),
                        ('households', models.PositiveIntegerField(default=0, verbose_name='帮扶走访困难群众(户)')),
                        ('poor_households', models.PositiveIntegerField(default=0, verbose_name='其中贫困户(户)')),
                        ('funds', models.DecimalField(decimal_places=2, default=0, max_digits=10, validators=[django.core.validators.MinValueValidator(0)], verbose_name='投入资金(万元)')),
                        ('person_times', models.PositiveIntegerField(default=0, verbose_name='干群连心活动(人次)')),
                        ('deeds', models.PositiveIntegerField(default=0, verbose_name='为民办实事(件次)')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='practice_activities', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '二三五活动记录',
                        'verbose_name_plural': '二三五活动记录',
                        'ordering': ['-held_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ActivityAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='activities/%Y/%m/', verbose_name='文件')),
                        ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                        ('content_type', models.CharField(max_length=100, verbose_name='文件类型')),
                        ('size', models.PositiveIntegerField(verbose_name='大小(字节)')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='ledgers.practiceactivity', verbose_name='活动记录')),
                    ],
                    options={
                        'verbose_name': '活动附件',
                        'verbose_name_plural': '活动附件',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PracticeBaseline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='上年年份')),
                        ('households', models.PositiveIntegerField(default=0, verbose_name='帮扶走访困难群众(户)')),
                        ('funds', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='投入资金(万元)')),
                        ('person_times', models.PositiveIntegerField(default=0, verbose_name='干群连心活动(人次)')),
                        ('deeds', models.PositiveIntegerField(default=0, verbose_name='为民办实事(件次)')),
                        ('campaign', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='practice_baseline', to='campaign.campaign', verbose_name='批次')),
                    ],
                    options={
                        'verbose_name': '上年同期数据',
                        'verbose_name_plural': '上年同期数据',
                    },
                ),
                migrations.CreateModel(
                    name='PracticePlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content', models.TextField(verbose_name='计划内容')),
                        ('submitted_at', models.DateTimeField(verbose_name='报送时间')),
                        ('is_late', models.BooleanField(default=False, verbose_name='逾期报送')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign', verbose_name='批次')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='报送人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='practice_plans', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '二三五活动计划',
                        'verbose_name_plural': '二三五活动计划',
                        'ordering': ['-submitted_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PublicityCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('item', models.CharField(choices=[('slogans', '墙上有标语'), ('bulletin_board', '宣传栏有内容'), ('television', '电视上有影'), ('radio', '广播中有声'), ('newsletter', '支部有信息简报')], max_length=20, verbose_name='宣传项目')),
                        ('done_on', models.DateField(verbose_name='日期')),
                        ('evidence', models.TextField(verbose_name='佐证情况')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publicity_checks', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '宣传工作',
                        'verbose_name_plural': '宣传工作',
                        'ordering': ['-done_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('problem', models.TextField(verbose_name='存在的问题')),
                        ('source', models.CharField(choices=[('self_check', '自查'), ('supervision', '督导检查'), ('public', '群众意见')], max_length=20, verbose_name='问题来源')),
                        ('category', models.CharField(choices=[('conduct', '作风方面'), ('livelihood', '群众生产生活'), ('development', '经济社会发展')], max_length=20, verbose_name='问题类别')),
                        ('measure', models.TextField(blank=True, verbose_name='整改措施')),
                        ('responsible', models.CharField(blank=True, max_length=50, verbose_name='责任人')),
                        ('deadline', models.DateField(blank=True, null=True, verbose_name='整改时限')),
                        ('status', models.CharField(choices=[('open', '待整改'), ('in_progress', '整改中'), ('rectified', '已整改'), ('not_yet', '一时还解决不了')], default='open', max_length=20, verbose_name='整改情况')),
                        ('public_explanation', models.TextField(blank=True, help_text='一时还解决不了的问题,要向群众解释清楚。', verbose_name='向群众的解释')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                        ('rectified_on', models.DateField(blank=True, null=True, verbose_name='整改完成日期')),
                        ('created_by', models.ForeignKey(blank=True, help_text='群众在公开页面提出的意见没有登记人。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rectification_items', to='units.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '边学边改问题',
                        'verbose_name_plural': '边学边改问题',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='修改时间')),
                        ('changes', models.JSONField(default=dict, verbose_name='修改内容')),
                        ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='修改人')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='ledgers.rectificationitem', verbose_name='问题')),
                    ],
                    options={
                        'verbose_name': '整改修改记录',
                        'verbose_name_plural': '整改修改记录',
                        'ordering': ['changed_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('office_rating', models.PositiveSmallIntegerField(verbose_name='对机关(单位)')),
                        ('organisation_rating', models.PositiveSmallIntegerField(verbose_name='对党组织')),
                        ('members_rating', models.PositiveSmallIntegerField(verbose_name='对共产党员')),
                        ('opinion', models.TextField(blank=True, verbose_name='意见和建议')),
                        ('device_day', models.CharField(editable=False, max_length=64, verbose_name='设备标识')),
                        ('answered_at', models.DateTimeField(auto_now_add=True, verbose_name='测评时间')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='units.unit', verbose_name='测评单位')),
                    ],
                    options={
                        'verbose_name': '群众满意度测评',
                        'verbose_name_plural': '群众满意度测评',
                        'ordering': ['-answered_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TripRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('abroad', '出国出境'), ('study_tour', '外出参观考察')], max_length=20, verbose_name='类别')),
                        ('destination', models.CharField(max_length=100, verbose_name='目的地')),
                        ('purpose', models.TextField(help_text='参加重要会议或签订时限性很强的项目等。', verbose_name='事由')),
                        ('leaves_on', models.DateField(verbose_name='出发日期')),
                        ('returns_on', models.DateField(verbose_name='返回日期')),
                        ('state', models.CharField(choices=[('pending', '待审批'), ('approved', '已同意'), ('refused', '不同意'), ('returned', '已返回'), ('withdrawn', '已撤回')], default='pending', max_length=20, verbose_name='状态')),
                        ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='审批意见')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='撤回时间')),
                        ('returned_on', models.DateField(blank=True, null=True, verbose_name='实际返回日期')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审批人')),
                        ('makeup', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='trip', to='study.makeup', verbose_name='返回后补课')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
                        ('traveller', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='trip_requests', to='units.member', verbose_name='外出领导干部')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='撤回人')),
                    ],
                    options={
                        'verbose_name': '出国出境和外出考察审批',
                        'verbose_name_plural': '出国出境和外出考察审批',
                        'ordering': ['-requested_at', '-pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='cardtype',
                    constraint=models.UniqueConstraint(fields=('campaign', 'name'), name='card_type_name_once'),
                ),
                migrations.AddConstraint(
                    model_name='discussionrequirement',
                    constraint=models.UniqueConstraint(fields=('unit', 'group', 'version'), name='one_version_number_per_group'),
                ),
                migrations.AddConstraint(
                    model_name='discussionrequirement',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_adopted', True)), fields=('unit', 'group'), name='one_adopted_version_per_group'),
                ),
                migrations.AddIndex(
                    model_name='ledgercorrection',
                    index=models.Index(fields=['unit', 'ledger', 'changed_at'], name='campaign_le_unit_id_4409a2_idx'),
                ),
                migrations.AddIndex(
                    model_name='practiceactivity',
                    index=models.Index(fields=['unit', 'held_on'], name='campaign_pr_unit_id_95a186_idx'),
                ),
                migrations.AddConstraint(
                    model_name='practiceplan',
                    constraint=models.UniqueConstraint(fields=('campaign', 'unit'), name='one_practice_plan_per_unit'),
                ),
                migrations.AddIndex(
                    model_name='rectificationitem',
                    index=models.Index(fields=['unit', 'status'], name='campaign_re_unit_id_6a03cc_idx'),
                ),
                migrations.AddConstraint(
                    model_name='surveyresponse',
                    constraint=models.UniqueConstraint(fields=('unit', 'device_day'), name='one_answer_per_device_day'),
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='ledgercorrection',
            new_name='ledgers_led_unit_id_b190ea_idx',
            old_name='campaign_le_unit_id_4409a2_idx',
        ),
        migrations.RenameIndex(
            model_name='practiceactivity',
            new_name='ledgers_pra_unit_id_aef3ba_idx',
            old_name='campaign_pr_unit_id_95a186_idx',
        ),
        migrations.RenameIndex(
            model_name='rectificationitem',
            new_name='ledgers_rec_unit_id_405f58_idx',
            old_name='campaign_re_unit_id_6a03cc_idx',
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
