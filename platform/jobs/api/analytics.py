from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.selectors import job_speedup_distribution


class SpeedupBucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class SpeedupDistributionSerializer(serializers.Serializer):
    jobs = serializers.IntegerField()
    buckets = SpeedupBucketSerializer(many=True)
    share_above_1_1 = serializers.FloatField(allow_null=True, help_text="Share of jobs faster than 1.1x.")


class SpeedupAnalyticsSerializer(SpeedupDistributionSerializer):
    by_recipe = serializers.DictField(child=SpeedupDistributionSerializer())
    by_family = serializers.DictField(child=SpeedupDistributionSerializer())


class SpeedupAnalyticsView(APIView):
    @extend_schema(
        tags=["jobs"],
        summary="Distribution of speed-ups over finished jobs (< 1.0, 1.0–1.1, 1.1–1.5, 1.5–2, 2–3, > 3)",
        responses={200: SpeedupAnalyticsSerializer},
    )
    def get(self, request):
        return Response(job_speedup_distribution(user=request.user))
