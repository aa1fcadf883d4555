//! TagResource / UntagResource / ListTagsForResource, and their reflection in Get*.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::Tag;
use sesform::emulator::{Emulator, configuration_set_arn, identity_arn};

use super::support::{REGION, client, expect_error};

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

async fn tags_of(ses: &Client, arn: &str) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = ses
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect();
    tags.sort();
    tags
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn tags_by_arn_show_up_in_get() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_email_identity()
        .email_identity("ops@example.com")
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    ses.create_configuration_set()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    let identity = identity_arn(REGION, "ops@example.com");
    let set = configuration_set_arn(REGION, "main");

    ses.tag_resource()
        .resource_arn(&identity)
        .tags(tag("env", "prod"))
        .tags(tag("team", "mail"))
        .send()
        .await
        .unwrap();
    ses.tag_resource()
        .resource_arn(&set)
        .tags(tag("cost-center", "42"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(&ses, &identity).await,
        pairs(&[("env", "prod"), ("team", "mail")])
    );
    assert_eq!(tags_of(&ses, &set).await, pairs(&[("cost-center", "42")]));

    ses.untag_resource()
        .resource_arn(&identity)
        .tag_keys("env")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    let got = ses
        .get_email_identity()
        .email_identity("ops@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(got.tags(), [tag("team", "mail")]);
    let got = ses
        .get_configuration_set()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    assert_eq!(got.tags(), [tag("cost-center", "42")]);
}

#[tokio::test]
async fn tag_errors() {
    let emulator = Emulator::start().await.unwrap();
    let ses = client(&emulator.endpoint_url(), REGION).await;
    ses.create_configuration_set()
        .configuration_set_name("main")
        .send()
        .await
        .unwrap();
    expect_error(
        ses.list_tags_for_resource()
            .resource_arn("not-an-arn")
            .send()
            .await,
        "BadRequestException",
        400,
    );
    expect_error(
        ses.list_tags_for_resource()
            .resource_arn(configuration_set_arn("eu-west-1", "main"))
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.tag_resource()
            .resource_arn(identity_arn(REGION, "missing.example.com"))
            .tags(tag("a", "b"))
            .send()
            .await,
        "NotFoundException",
        404,
    );
    expect_error(
        ses.tag_resource()
            .resource_arn(configuration_set_arn(REGION, "main"))
            .tags(tag("aws:reserved", "x"))
            .send()
            .await,
        "BadRequestException",
        400,
    );
}
