from rest_framework import serializers


class FleetMemberSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="A worker's Celery hostname, or the engine's URL, for staff; for "
                                           "other users a stable opaque label (worker-..., engine-...).")
    cpu_model = serializers.CharField(allow_blank=True)
    cpu_generation = serializers.CharField(
        allow_null=True, help_text="The CPU's family and model numbers (e.g. 'family 23 model 1', AMD's Zen 1), "
                                   "where it reports them: one class can hold several generations, and what wins "
                                   "on one may not on another.")
    detected_hardware_class = serializers.CharField(
        help_text="The class the CPU has; the member's class is narrower when its operator declared one.")
    usable_cpus = serializers.IntegerField(allow_null=True)
    queues = serializers.ListField(child=serializers.CharField(), help_text="The queues a worker consumes.")
    started_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class HardwareClassSerializer(serializers.Serializer):
    hardware_class = serializers.CharField(
        help_text="<architecture>-<vendor>-<level>, e.g. x86_64-amd-avx512vnni-bf16.")
    workers = FleetMemberSerializer(many=True, help_text="Optimizer workers of this class, online now.")
    engines = FleetMemberSerializer(many=True, help_text="Serving engines of this class, online now.")
