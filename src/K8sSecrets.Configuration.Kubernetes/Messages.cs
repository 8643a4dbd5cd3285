namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>The texts of the errors users see: they name the namespace, the Secret, the verb and the fix, never a body.</summary>
internal static class Messages
{
    public static string ListFailed(SecretInformer informer, ApiFailure failure)
    {
        var what = informer.SecretName is { } name
            ? $"the Secret '{name}' in namespace '{informer.Namespace}' (verb 'list' with fieldSelector=metadata.name={name})"
            : $"the Secrets matching '{informer.LabelSelector}' in namespace '{informer.Namespace}' (verb 'list' with labelSelector)";
        var prefix = $"Could not read {what} from the Kubernetes API: {failure.Description}.";
        if (failure.IsForbidden)
        {
            return $"{prefix} The service account is not allowed to list it. {RbacRule(informer)}";
        }

        if (failure.IsUnauthorized)
        {
            return $"{prefix} The API server rejected the credentials, even after the service-account token was read again. Check the token or kubeconfig user.";
        }

        if (failure.IsNotFound)
        {
            return $"{prefix} Check that the namespace '{informer.Namespace}' exists and that the client points at the right cluster.";
        }

        return $"{prefix} It will be retried.";
    }

    public static string NotFound(string @namespace, string name)
        => $"The Secret '{name}' was not found in namespace '{@namespace}' (verb 'list' with fieldSelector=metadata.name={name} returned no item). Create it, check the name and namespace, or mark the source Optional to start empty and load it when it appears.";

    public static string RbacRule(SecretInformer informer) => informer.SecretName is { } name
        ? $"Add a Role in namespace '{informer.Namespace}' with the rule {{apiGroups: [\"\"], resources: [\"secrets\"], resourceNames: [\"{name}\"], verbs: [\"get\", \"list\", \"watch\"]}} and a RoleBinding of it to the pod's service account (see samples/deploy/role.yaml)."
        : $"Add a Role in namespace '{informer.Namespace}' with the rule {{apiGroups: [\"\"], resources: [\"secrets\"], verbs: [\"list\", \"watch\"]}} and a RoleBinding of it to the pod's service account; a label selector needs every Secret of the namespace (see samples/deploy/role.yaml).";
}
