//! Container images in ECR: which repository (and so which account) an image comes from.

/// The ECR repository an image is pulled from, as an ARN:
/// `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`.
pub fn ecr_repository_arn(image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let (region, partition) = if let Some(region) = rest.strip_suffix(".amazonaws.com.cn") {
        (region, "aws-cn")
    } else {
        let region = rest.strip_suffix(".amazonaws.com")?;
        (
            region,
            if region.starts_with("us-gov-") {
                "aws-us-gov"
            } else {
                "aws"
            },
        )
    };
    let valid_account = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
    let valid_region = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let path = path.split('@').next().unwrap_or(path);
    let repository = match path.rsplit_once(':') {
        Some((repo, _tag)) if !repo.is_empty() => repo,
        _ => path,
    };
    (valid_account && valid_region && !repository.is_empty())
        .then(|| format!("arn:{partition}:ecr:{region}:{account}:repository/{repository}"))
}

#[cfg(test)]
mod tests {
    use super::ecr_repository_arn;

    #[test]
    fn ecr_images_name_their_repository() {
        assert_eq!(
            ecr_repository_arn("111111111111.dkr.ecr.us-east-1.amazonaws.com/team/api:1.4.2")
                .as_deref(),
            Some("arn:aws:ecr:us-east-1:111111111111:repository/team/api")
        );
        assert_eq!(
            ecr_repository_arn("111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn/api@sha256:abc")
                .as_deref(),
            Some("arn:aws-cn:ecr:cn-north-1:111111111111:repository/api")
        );
        assert_eq!(ecr_repository_arn("nginx:1.27"), None);
        assert_eq!(ecr_repository_arn("public.ecr.aws/nginx/nginx:1.27"), None);
        assert_eq!(ecr_repository_arn("localhost:5000/api"), None);
    }
}
