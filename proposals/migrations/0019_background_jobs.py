"""Uploads previewed and imported by background jobs, their files on disk, big exports as jobs.

The bytes each upload kept in the database move to files under MEDIA_ROOT/uploads/: those of
previews still to be confirmed (so they can be), not those already imported (their outcomes
stay as the record). On PostgreSQL the space of the dropped columns returns after VACUUM FULL.
"""

import uuid
from pathlib import PurePosixPath

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def files_from_database(apps, schema_editor):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    def saved(folder: str, name: str, data) -> str:
        suffix = PurePosixPath(name).suffix.lower()[:10]
        return default_storage.save(
            f"uploads/{folder}/{uuid.uuid4().hex}{suffix}", ContentFile(bytes(data))
        )

    ImportRun = apps.get_model("proposals", "ImportRun")
    ImportedFile = apps.get_model("proposals", "ImportedFile")
    RegisterImport = apps.get_model("proposals", "RegisterImport")
    ImportRun.objects.filter(status="confirmed").update(job_kind="import")
    RegisterImport.objects.filter(status="confirmed").update(job_kind="import")
    waiting = ImportedFile.objects.filter(run__status="preview", readable=True)
    for file in waiting.only("pk", "name", "data").iterator(chunk_size=20):
        file.stored = saved("replies", file.name, file.data)
        file.save(update_fields=["stored"])
    for run in (
        RegisterImport.objects.filter(status="preview").only("pk", "file_name", "data").iterator(
            chunk_size=20
        )
    ):
        run.stored = saved("registers", run.file_name, run.data)
        run.save(update_fields=["stored"])


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0018_member_name_pinyin'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='importedfile',
            name='stored',
            field=models.FileField(blank=True, help_text='确认导入前保存在 MEDIA_ROOT/uploads/ 下，导入后或过期后删除。', max_length=255, upload_to='uploads/replies/', verbose_name='文件'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='files_purged_at',
            field=models.DateTimeField(blank=True, help_text='上传的文件已删除，逐项结果仍保留。', null=True, verbose_name='文件清除时间'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='job_error',
            field=models.TextField(blank=True, verbose_name='出错原因'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='job_id',
            field=models.CharField(blank=True, help_text='交给后台作业的编号；重试时换新。', max_length=64, verbose_name='作业编号'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='job_kind',
            field=models.CharField(choices=[('preview', '预览'), ('import', '导入')], default='preview', max_length=8, verbose_name='当前作业'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='job_status',
            field=models.CharField(choices=[('queued', '排队中'), ('running', '处理中'), ('done', '已完成'), ('failed', '出错')], default='done', max_length=8, verbose_name='作业状态'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='job_updated_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='作业更新时间'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='processed',
            field=models.PositiveIntegerField(default=0, verbose_name='已处理'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='total',
            field=models.PositiveIntegerField(default=0, verbose_name='共计'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='uploads',
            field=models.JSONField(blank=True, default=list, help_text='预览作业打开之前的原始上传：[{name, file}]，或上传时即拒收的 [{name, reason}]。', verbose_name='上传的文件'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='files_purged_at',
            field=models.DateTimeField(blank=True, help_text='上传的文件已删除，逐项结果仍保留。', null=True, verbose_name='文件清除时间'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='job_error',
            field=models.TextField(blank=True, verbose_name='出错原因'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='job_id',
            field=models.CharField(blank=True, help_text='交给后台作业的编号；重试时换新。', max_length=64, verbose_name='作业编号'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='job_kind',
            field=models.CharField(choices=[('preview', '预览'), ('import', '导入')], default='preview', max_length=8, verbose_name='当前作业'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='job_status',
            field=models.CharField(choices=[('queued', '排队中'), ('running', '处理中'), ('done', '已完成'), ('failed', '出错')], default='done', max_length=8, verbose_name='作业状态'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='job_updated_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='作业更新时间'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='processed',
            field=models.PositiveIntegerField(default=0, verbose_name='已处理'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='stored',
            field=models.FileField(blank=True, help_text='确认导入前保存在 MEDIA_ROOT/uploads/ 下，导入后或过期后删除。', max_length=255, upload_to='uploads/registers/', verbose_name='文件'),
        ),
        migrations.AddField(
            model_name='registerimport',
            name='total',
            field=models.PositiveIntegerField(default=0, verbose_name='共计'),
        ),
        migrations.CreateModel(
            name='ExportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job_status', models.CharField(choices=[('queued', '排队中'), ('running', '处理中'), ('done', '已完成'), ('failed', '出错')], default='done', max_length=8, verbose_name='作业状态')),
                ('job_id', models.CharField(blank=True, help_text='交给后台作业的编号；重试时换新。', max_length=64, verbose_name='作业编号')),
                ('processed', models.PositiveIntegerField(default=0, verbose_name='已处理')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='共计')),
                ('job_error', models.TextField(blank=True, verbose_name='出错原因')),
                ('job_updated_at', models.DateTimeField(blank=True, null=True, verbose_name='作业更新时间')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='开始时间')),
                ('name', models.CharField(max_length=100, verbose_name='文件名')),
                ('query', models.JSONField(default=dict, help_text='列表页的筛选条件 {参数: [值]}，或工作台所选的提案 {"pk": [编号…]}。', verbose_name='导出范围')),
                ('file', models.FileField(blank=True, max_length=255, upload_to='exports/', verbose_name='文件')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='导出人')),
            ],
            options={
                'verbose_name': '导出',
                'verbose_name_plural': '导出',
                'ordering': ['-created_at'],
            },
        ),
        migrations.RunPython(files_from_database, migrations.RunPython.noop, elidable=True),
        # With a default, so that migrating back adds the columns to existing rows (empty).
        migrations.AlterField(
            model_name='importedfile',
            name='data',
            field=models.BinaryField(blank=True, default=b'', verbose_name='文件内容'),
        ),
        migrations.AlterField(
            model_name='registerimport',
            name='data',
            field=models.BinaryField(blank=True, default=b'', verbose_name='文件内容'),
        ),
        migrations.RemoveField(
            model_name='importedfile',
            name='data',
        ),
        migrations.RemoveField(
            model_name='registerimport',
            name='data',
        ),
    ]
